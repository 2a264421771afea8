package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Pauses a rollout: by an admin (ADMIN) or by one of its safety rules. */
public record PauseRolloutCommand(@TargetAggregateIdentifier UUID rolloutId, PauseReason reason, String detail) {
}
