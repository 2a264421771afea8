package org.openvdi.broker.rollout.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutDesktopAwaitingLogoffEvent(UUID rolloutId, UUID poolId, UUID desktopId, UUID sessionId, String user, Instant logoffAt) {
}
