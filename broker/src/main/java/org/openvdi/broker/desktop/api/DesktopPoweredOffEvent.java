package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A persistent desktop nobody uses is to be shut down (the power-off process stops its VM; its disk stays).
 *
 * @param reason why (revision 2; events of revision 1 have none and read as null: their session had ended in a
 *               pool that powers desktops off at logoff)
 */
@Revision("2")
public record DesktopPoweredOffEvent(UUID desktopId, String reason) {

    /** A power-off without a stated reason. */
    public DesktopPoweredOffEvent(UUID desktopId) {
        this(desktopId, null);
    }
}
