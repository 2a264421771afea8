package org.openvdi.broker.session.api;

import java.util.UUID;
import org.openvdi.broker.error.ErrorCode;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The request cannot be served. */
public record FailSessionCommand(@TargetAggregateIdentifier UUID sessionId, ErrorCode code, String reason) {
}
