package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A gateway reported that a viewer's tunnel of a shared session closed; late or unknown reports change nothing. */
public record RecordShareLeftCommand(@TargetAggregateIdentifier UUID sessionId, String viewer, String gatewayId,
                                     String reason, Instant leftAt) {
}
