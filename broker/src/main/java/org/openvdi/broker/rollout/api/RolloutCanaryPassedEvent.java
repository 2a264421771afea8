package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutCanaryPassedEvent(UUID rolloutId, UUID poolId, int toVersion, int canaries) {
}
