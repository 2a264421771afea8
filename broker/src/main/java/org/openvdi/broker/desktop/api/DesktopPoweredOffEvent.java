package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A persistent desktop nobody uses is to be shut down (the power-off process stops its VM; its disk stays).
 *
 * @param reason why (revision 2; events of revision 1 have none and read as null: their session had ended in a
 *               pool that powers desktops off at logoff)
 * @param by     the admin who asked for it through the API (revision 3); null when the broker decided it, and in
 *               older events
 */
@Revision("3")
public record DesktopPoweredOffEvent(UUID desktopId, String reason, String by) {

    /** A power-off without a stated reason. */
    public DesktopPoweredOffEvent(UUID desktopId) {
        this(desktopId, null, null);
    }

    /** A power-off the broker decided. */
    public DesktopPoweredOffEvent(UUID desktopId, String reason) {
        this(desktopId, reason, null);
    }
}
