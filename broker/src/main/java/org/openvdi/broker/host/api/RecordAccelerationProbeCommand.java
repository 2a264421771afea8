package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.EffectiveVirtType;

/** An acceleration probe of a host set to auto found the domain type its desktops are to be defined with. */
public record RecordAccelerationProbeCommand(@TargetAggregateIdentifier UUID hostId, EffectiveVirtType effectiveType,
                                             String reason, long millis) {
}
