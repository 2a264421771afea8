package org.openvdi.broker.host.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Replaces a host's labels (checked by {@link HostLabels}). */
public record ChangeHostLabelsCommand(@TargetAggregateIdentifier UUID hostId, Set<String> labels) {
}
