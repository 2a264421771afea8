package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A one-time connection token was issued; {@code tokenHash} is the SHA-256 (hex) of the token, never the token. */
@Revision("1")
public record ConnectionTokenIssuedEvent(UUID sessionId, UUID tokenId, String tokenHash, Instant expiresAt, String user) {
}
