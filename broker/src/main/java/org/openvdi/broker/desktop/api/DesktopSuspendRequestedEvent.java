package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A persistent desktop is to be suspended (its memory saved on its host, its VM stopped); the power process does it. */
@Revision("1")
public record DesktopSuspendRequestedEvent(UUID desktopId, String reason) {
}
