package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A gateway reported that it opened a tunnel to the session's desktop. */
public record RecordSessionConnectedCommand(@TargetAggregateIdentifier UUID sessionId, String gatewayId,
                                            String clientAddress, Instant connectedAt) {
}
