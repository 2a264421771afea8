package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Domain and volume are gone from the host. */
public record RecordDesktopDestroyedCommand(@TargetAggregateIdentifier UUID desktopId) {
}
