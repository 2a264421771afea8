package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The desktop is to be destroyed.
 *
 * @param keepUserDisk whether its user disk stays on the host when it is destroyed (revision 2; events of revision 1
 *                     have none and read as {@code false}: the user disk goes with the desktop)
 * @param by           the admin who asked for it through the API (revision 3); null when the broker decided it
 *                     (a released floating desktop, a rollout, a pool's deletion), and in older events
 */
@Revision("3")
public record DesktopRecycledEvent(UUID desktopId, String reason, boolean keepUserDisk, String by) {

    /** A recycling that deletes the desktop's user disk with it, if it has one. */
    public DesktopRecycledEvent(UUID desktopId, String reason) {
        this(desktopId, reason, false, null);
    }

    /** A recycling the broker decided. */
    public DesktopRecycledEvent(UUID desktopId, String reason, boolean keepUserDisk) {
        this(desktopId, reason, keepUserDisk, null);
    }
}
