package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutResumedEvent(UUID rolloutId, UUID poolId, String resumedBy) {
}
