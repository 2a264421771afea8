package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks for the acceleration of a host set to auto to be probed again. */
public record RequestAccelerationProbeCommand(@TargetAggregateIdentifier UUID hostId) {
}
