package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.hypervisor.VirtType;

@Revision("1")
public record HostRegisteredEvent(UUID hostId, String name, String uri, VirtType virtType, int maxDesktops, String storagePool, String displayAddress, String registeredBy) {
}
