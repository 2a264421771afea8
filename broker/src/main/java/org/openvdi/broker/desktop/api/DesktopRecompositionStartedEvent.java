package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record DesktopRecompositionStartedEvent(UUID desktopId, int fromVersion, int toVersion, UUID rolloutId) {
}
