package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutRolledBackEvent(UUID rolloutId, UUID poolId, UUID rollbackRolloutId, int updated, String rolledBackBy) {
}
