package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A share's time is up: the share expiry process found it past its {@code expiresAt}. An unused link runs out, and a
 * viewer who joined through it is cut off.
 *
 * @param at when the process looked; a share whose time is not up then stays
 */
public record ExpireShareCommand(@TargetAggregateIdentifier UUID sessionId, UUID shareId, Instant at) {
}
