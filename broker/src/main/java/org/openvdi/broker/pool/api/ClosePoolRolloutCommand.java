package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The pool's rollout is over: another may start. */
public record ClosePoolRolloutCommand(@TargetAggregateIdentifier UUID poolId, UUID rolloutId) {
}
