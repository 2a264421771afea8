package org.openvdi.broker.demand;

import java.time.Instant;
import java.util.UUID;

/**
 * One recorded session request: when it was asked for, when it got a READY desktop (null if never), whether that
 * desktop was ready before the request (warm, null if never served), the wait, and when the session ended (null while
 * it lasts).
 */
public record RecordedRequest(UUID sessionId, Instant requestedAt, Instant readyAt, Boolean warm, Long waitMillis,
                              Instant endedAt, boolean failed) {
}
