package org.openvdi.broker.rollout.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An in-use desktop waits for its session to end; {@code logoffAt} is when it is forced (null: never). */
public record AwaitLogoffCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId, UUID sessionId, String user, Instant logoffAt) {
}
