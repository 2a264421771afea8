package org.openvdi.broker.rollout.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Starts a rollout of one pool to another version of its template; {@code rollbackOf} names the rollout it undoes. */
public record StartRolloutCommand(@TargetAggregateIdentifier UUID rolloutId, UUID poolId, UUID templateId, int fromVersion, int toVersion, RolloutStrategy strategy, Instant startAt, UUID rollbackOf) {
}
