package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A signed-in user opened a share link (which is used up by it) and got a one-time connect token to watch, or
 * with {@link ShareMode#CONTROL} also use, the session.
 *
 * @param viewer        who joined
 * @param clientAddress from where, as the broker saw it
 * @param tokenId       id of the viewer's connect token
 * @param tokenHash     SHA-256 (hex) of the viewer's connect token
 * @param expiresAt     until when that token is good
 */
@Revision("1")
public record SharedSessionJoinedEvent(UUID sessionId, UUID shareId, String owner, String viewer, ShareMode mode,
                                       String clientAddress, UUID tokenId, String tokenHash, Instant expiresAt) {
}
