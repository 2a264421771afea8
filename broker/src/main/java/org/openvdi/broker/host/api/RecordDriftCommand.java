package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Reconciliation found a difference between the host and the events. */
public record RecordDriftCommand(@TargetAggregateIdentifier UUID hostId, UUID desktopId, String kind, String detail) {
}
