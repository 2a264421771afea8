package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An employee asks for a desktop of a pool. */
public record RequestSessionCommand(@TargetAggregateIdentifier UUID sessionId, UUID poolId, String user) {
}
