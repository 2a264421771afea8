package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The deadline of an in-use desktop passed: its session is ended. */
public record ForceLogoffCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId) {
}
