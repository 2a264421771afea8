package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutBegunEvent(UUID rolloutId, UUID poolId, int total, int canaryTarget) {
}
