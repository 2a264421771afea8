package org.openvdi.broker.rollout.api;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutLogoffNoticeIssuedEvent(UUID rolloutId, UUID poolId, UUID desktopId, UUID sessionId, String user, String notice, Instant logoffAt, Duration before) {
}
