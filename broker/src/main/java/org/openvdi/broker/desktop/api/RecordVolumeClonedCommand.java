package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The linked clone exists. */
public record RecordVolumeClonedCommand(@TargetAggregateIdentifier UUID desktopId, long millis) {
}
