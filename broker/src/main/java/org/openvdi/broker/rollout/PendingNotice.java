package org.openvdi.broker.rollout;

import java.time.Instant;
import java.util.UUID;

/** A notice a user of an in-use desktop was given: their session ends at {@code logoffAt}. */
public record PendingNotice(UUID rolloutId, UUID sessionId, UUID desktopId, String user, String notice, Instant logoffAt,
                            long secondsBefore, Instant issuedAt) {
}
