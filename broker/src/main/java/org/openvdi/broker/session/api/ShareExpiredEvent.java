package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A share link ran out unused: someone presented it after its time, or its session ended first.
 *
 * @param sessionEnded true when the session's end, not the clock, ended it
 */
@Revision("1")
public record ShareExpiredEvent(UUID sessionId, UUID shareId, boolean sessionEnded) {
}
