package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Marks the desktop for destruction. */
public record RecycleDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {
}
