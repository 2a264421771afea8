package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutDesktopUpdateAbandonedEvent(UUID rolloutId, UUID poolId, UUID desktopId, UUID replacementId, String reason) {
}
