package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A share ran out: its time was up (found when someone presented the link, or by the share expiry process, which
 * also cuts off a viewer who joined), or its session ended first (unused or joined).
 *
 * @param sessionEnded true when the session's end, not the clock, ended it
 */
@Revision("1")
public record ShareExpiredEvent(UUID sessionId, UUID shareId, boolean sessionEnded) {
}
