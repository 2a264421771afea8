package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutCompletedEvent(UUID rolloutId, UUID poolId, int toVersion, int updated, int failed) {
}
