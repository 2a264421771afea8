package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutCancelledEvent(UUID rolloutId, UUID poolId, int updated, int failed, String cancelledBy) {
}
