package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.hypervisor.EffectiveVirtType;

@Revision("1")
public record HostAccelerationProbedEvent(UUID hostId, EffectiveVirtType effectiveType, String reason, long millis) {
}
