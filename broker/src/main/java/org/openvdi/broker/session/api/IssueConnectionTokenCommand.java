package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Records a new one-time connection token for the session's own user. Only the token's SHA-256
 * (hex) travels and is stored; the token itself goes to the user once and nowhere else.
 */
public record IssueConnectionTokenCommand(@TargetAggregateIdentifier UUID sessionId, UUID tokenId, String tokenHash,
                                          Instant expiresAt, String user) {
}
