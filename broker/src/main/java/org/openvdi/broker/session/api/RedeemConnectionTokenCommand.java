package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A gateway presents a token. The session decides and records the outcome either way, answering
 * with a {@link RedemptionOutcome}.
 *
 * @param tokenHash        SHA-256 (hex) of the presented token
 * @param presentedAt      when the gateway presented it
 * @param desktopAvailable whether the session's desktop was still assigned to it with a reachable display,
 *                         as the redeeming process found it (the aggregate never asks the hypervisor itself)
 * @param gatewayId        which gateway presented it
 * @param clientAddress    the browser's address as that gateway saw it
 */
public record RedeemConnectionTokenCommand(@TargetAggregateIdentifier UUID sessionId, String tokenHash, Instant presentedAt,
                                           boolean desktopAvailable, String gatewayId, String clientAddress) {
}
