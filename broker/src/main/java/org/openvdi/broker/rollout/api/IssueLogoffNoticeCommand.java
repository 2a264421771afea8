package org.openvdi.broker.rollout.api;

import java.time.Duration;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Warns the user of a desktop with a forced logoff ahead, {@code before} it. */
public record IssueLogoffNoticeCommand(@TargetAggregateIdentifier UUID rolloutId, UUID desktopId, Duration before) {
}
