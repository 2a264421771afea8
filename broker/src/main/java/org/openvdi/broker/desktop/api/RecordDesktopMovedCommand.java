package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The desktop's domain is defined on the new host and its old volumes are gone: it lives there now. */
public record RecordDesktopMovedCommand(@TargetAggregateIdentifier UUID desktopId, long millis) {
}
