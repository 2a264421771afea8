package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The desktop's update failed; counts towards the failure threshold. */
public record RecordDesktopUpdateFailedCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId, String reason) {
}
