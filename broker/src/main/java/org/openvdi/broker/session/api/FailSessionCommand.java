package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The request cannot be served. */
public record FailSessionCommand(@TargetAggregateIdentifier UUID sessionId, String code, String reason) {
}
