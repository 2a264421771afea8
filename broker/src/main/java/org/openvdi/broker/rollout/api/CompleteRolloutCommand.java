package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Every desktop of the pool is on the new version. */
public record CompleteRolloutCommand(@TargetAggregateIdentifier UUID rolloutId) {
}
