package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A powered-off persistent desktop is to move from one host to another, and why (a host drained, a selector changed). */
@Revision("1")
public record DesktopMoveRequestedEvent(UUID desktopId, UUID fromHostId, UUID toHostId, String reason) {
}
