package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The host's libvirt connection stayed unreachable. */
public record MarkHostDownCommand(@TargetAggregateIdentifier UUID hostId, String reason) {
}
