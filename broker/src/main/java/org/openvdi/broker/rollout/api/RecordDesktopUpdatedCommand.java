package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The desktop (or its replacement) is ready on the new version. */
public record RecordDesktopUpdatedCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId) {
}
