package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The last desktop of a draining host is gone. */
public record RecordHostDrainedCommand(@TargetAggregateIdentifier UUID hostId) {
}
