package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutLogoffForcedEvent(UUID rolloutId, UUID poolId, UUID desktopId, UUID sessionId, String user, String reason) {
}
