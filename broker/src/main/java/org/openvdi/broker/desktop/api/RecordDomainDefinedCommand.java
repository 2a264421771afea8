package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The domain is defined. */
public record RecordDomainDefinedCommand(@TargetAggregateIdentifier UUID desktopId, long millis) {
}
