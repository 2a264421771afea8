package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The desktop's update was lost with its host, through no fault of the image: it may be tried again. */
public record AbandonDesktopUpdateCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId, String reason) {
}
