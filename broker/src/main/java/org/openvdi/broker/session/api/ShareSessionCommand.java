package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The session's user shares the running session through a one-time link. Only the link's SHA-256 (hex) travels
 * and is stored; the link goes to its owner once.
 *
 * @param viewer the one user who may join, or null for any signed-in employee who has the link
 * @param by     who asks: the session's own user
 */
public record ShareSessionCommand(@TargetAggregateIdentifier UUID sessionId, UUID shareId, String tokenHash,
                                  ShareMode mode, Instant expiresAt, String viewer, String by) {
}
