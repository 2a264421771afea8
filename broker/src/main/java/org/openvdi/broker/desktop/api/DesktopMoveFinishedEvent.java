package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The desktop now lives on {@code toHostId}, powered off; its old domain and volumes are gone. */
@Revision("1")
public record DesktopMoveFinishedEvent(UUID desktopId, UUID fromHostId, UUID toHostId, long millis) {
}
