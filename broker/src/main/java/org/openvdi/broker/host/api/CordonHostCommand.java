package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Stops placing new desktops on a host; existing desktops stay. */
public record CordonHostCommand(@TargetAggregateIdentifier UUID hostId, String reason) {
}
