package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A persistent desktop was shut down after its session. */
public record RecordDesktopPoweredOffCommand(@TargetAggregateIdentifier UUID desktopId) {
}
