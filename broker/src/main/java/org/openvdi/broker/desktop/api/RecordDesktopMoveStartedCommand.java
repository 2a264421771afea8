package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The move process began copying the desktop's volumes. */
public record RecordDesktopMoveStartedCommand(@TargetAggregateIdentifier UUID desktopId) {
}
