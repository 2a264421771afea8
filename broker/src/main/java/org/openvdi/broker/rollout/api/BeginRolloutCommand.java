package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Its start time came: the rollout runs over {@code total} desktops, the first {@code canaryTarget} as canaries. */
public record BeginRolloutCommand(@TargetAggregateIdentifier UUID rolloutId, int total, int canaryTarget) {
}
