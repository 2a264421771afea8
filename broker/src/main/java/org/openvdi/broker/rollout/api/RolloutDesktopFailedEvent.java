package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutDesktopFailedEvent(UUID rolloutId, UUID poolId, UUID desktopId, UUID replacementId, RolloutStage stage, String reason, int failures) {
}
