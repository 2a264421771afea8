package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A gateway redeemed a token, and the session handed out a one-time resume token with it: the page presents
 * it to reconnect in place after losing its tunnel, and each use issues the next one. {@code tokenHash} is the
 * SHA-256 (hex) of the token, never the token. It expires at {@code expiresAt}, or, when later, the disconnect
 * timeout after the session's last tunnel closed; while a tunnel of the session is open it does not expire.
 */
@Revision("1")
public record ResumeTokenIssuedEvent(UUID sessionId, UUID tokenId, String tokenHash, Instant expiresAt, String user) {
}
