package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A gateway reported that a tunnel to the session's desktop closed, with how long it lasted and what it carried. */
public record RecordSessionDisconnectedCommand(@TargetAggregateIdentifier UUID sessionId, String gatewayId, String reason,
                                               long durationMillis, long bytesToClient, long bytesFromClient,
                                               Instant disconnectedAt) {
}
