package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Withdraws a share link, used or not: an unused link stops working, a viewer who joined can no longer reconnect. */
public record RevokeShareCommand(@TargetAggregateIdentifier UUID sessionId, UUID shareId, String by) {
}
