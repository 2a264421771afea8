package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A one-time connection token to record for the session's own user, as part of another command: its id, its SHA-256
 * (hex; the token itself never travels) and when it expires.
 */
public record ConnectionTokenGrant(UUID tokenId, String tokenHash, Instant expiresAt) {
}
