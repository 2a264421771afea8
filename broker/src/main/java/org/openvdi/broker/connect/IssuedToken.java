package org.openvdi.broker.connect;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code connection_token}: the session a token hash belongs to. */
record IssuedToken(String tokenHash, UUID tokenId, UUID sessionId, String user, Instant expiresAt, boolean redeemed) {
}
