package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Undoes a rollout: {@code rollbackRolloutId} is the new rollout back to the previous version. */
public record RollBackRolloutCommand(@TargetAggregateIdentifier UUID rolloutId, UUID rollbackRolloutId) {
}
