package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The move could not be finished: the desktop stays on its host, powered off, with its disks. */
public record FailDesktopMoveCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {
}
