package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Moves one desktop (once per rollout); answers whether it was started now. */
public record StartDesktopUpdateCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId, UUID replacementId, RolloutStage stage, UpdateMethod method) {
}
