package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutPausedEvent(UUID rolloutId, UUID poolId, PauseReason reason, String detail, String pausedBy) {
}
