package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Stops a rollout; desktops already moved stay moved. */
public record CancelRolloutCommand(@TargetAggregateIdentifier UUID rolloutId) {
}
