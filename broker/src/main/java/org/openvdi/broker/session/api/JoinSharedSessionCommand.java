package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A signed-in user opens a share link. The session decides and answers with a {@link RedemptionOutcome}: when it
 * accepts, the link is used up and a one-time connect token for the viewer is recorded with it.
 *
 * @param tokenHash        SHA-256 (hex) of the presented link secret
 * @param viewer           the signed-in user who opened it
 * @param clientAddress    where from, as the broker saw it
 * @param connectTokenId   id of the viewer's connect token
 * @param connectTokenHash SHA-256 (hex) of that token; the token goes to the viewer's browser only
 * @param connectExpiresAt until when the viewer's connect token is good
 */
public record JoinSharedSessionCommand(@TargetAggregateIdentifier UUID sessionId, String tokenHash, String viewer,
                                       String clientAddress, Instant presentedAt, UUID connectTokenId,
                                       String connectTokenHash, Instant connectExpiresAt) {
}
