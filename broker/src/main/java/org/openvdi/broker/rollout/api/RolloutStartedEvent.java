package org.openvdi.broker.rollout.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutStartedEvent(UUID rolloutId, UUID poolId, UUID templateId, int fromVersion, int toVersion, RolloutStrategy strategy, Instant startAt, UUID rollbackOf, String startedBy) {
}
