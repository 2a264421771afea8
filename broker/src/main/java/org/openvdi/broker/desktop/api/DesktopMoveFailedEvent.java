package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The move was given up: the desktop stays on {@code fromHostId}, powered off, with its disks; why. */
@Revision("1")
public record DesktopMoveFailedEvent(UUID desktopId, UUID fromHostId, UUID toHostId, String reason) {
}
