package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Gives the pool to a rollout to {@code toVersion}: one rollout at a time. {@code replacing} is the rollout a
 * rollback takes over from (null for a new rollout); a rollback may go to the version the pool is on.
 */
public record OpenPoolRolloutCommand(@TargetAggregateIdentifier UUID poolId, UUID rolloutId, int toVersion, UUID replacing) {
}
