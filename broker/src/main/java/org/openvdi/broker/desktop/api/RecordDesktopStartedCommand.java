package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The domain runs. */
public record RecordDesktopStartedCommand(@TargetAggregateIdentifier UUID desktopId, long millis) {
}
