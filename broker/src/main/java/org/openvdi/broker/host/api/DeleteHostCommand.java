package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Removes a drained, empty host from the broker for good. */
public record DeleteHostCommand(@TargetAggregateIdentifier UUID hostId) {
}
