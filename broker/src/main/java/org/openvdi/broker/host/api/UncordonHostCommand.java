package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Lets the host take new desktops again. */
public record UncordonHostCommand(@TargetAggregateIdentifier UUID hostId) {
}
