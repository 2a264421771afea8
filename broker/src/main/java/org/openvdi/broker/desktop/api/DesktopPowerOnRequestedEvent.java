package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A resting persistent desktop is to be powered on (or resumed) again.
 *
 * @param by the admin who asked for it through the API (revision 2); null when its user's request did, and in
 *           events of revision 1
 */
@Revision("2")
public record DesktopPowerOnRequestedEvent(UUID desktopId, String by) {

    /** A power-on for its user's session. */
    public DesktopPowerOnRequestedEvent(UUID desktopId) {
        this(desktopId, null);
    }
}
