package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record DesktopMoveStartedEvent(UUID desktopId, UUID toHostId) {
}
