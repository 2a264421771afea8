package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The host answers again. */
public record MarkHostUpCommand(@TargetAggregateIdentifier UUID hostId) {
}
