package org.openvdi.broker.session.api;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A gateway presents a token: a connect token from the portal or a resume token from an earlier
 * redemption. The session decides and records the outcome either way, answering with a
 * {@link RedemptionOutcome}; when it accepts, it also issues the next resume token.
 *
 * @param tokenHash        SHA-256 (hex) of the presented token
 * @param presentedAt      when the gateway presented it
 * @param desktopAvailable whether the session's desktop was still assigned to it with a reachable display,
 *                         as the redeeming process found it (the aggregate never asks the hypervisor itself)
 * @param gatewayId        which gateway presented it
 * @param clientAddress    the browser's address as that gateway saw it
 * @param resumeTokenId    id of the resume token issued when the session accepts
 * @param resumeTokenHash  SHA-256 (hex) of that resume token; the token itself goes to the gateway only
 * @param resumeTtl        how long resume tokens stay good once no tunnel of the session is open
 *                         (the disconnect timeout)
 * @param connectionHash   SHA-256 (hex) of the connection id handed to the gateway when the session accepts; the
 *                         gateway's telemetry is accepted only with that id
 */
public record RedeemConnectionTokenCommand(@TargetAggregateIdentifier UUID sessionId, String tokenHash, Instant presentedAt,
                                           boolean desktopAvailable, String gatewayId, String clientAddress,
                                           UUID resumeTokenId, String resumeTokenHash, Duration resumeTtl,
                                           String connectionHash) {
}
