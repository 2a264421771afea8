package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.VirtType;

/** Registers a hypervisor host. */
public record RegisterHostCommand(@TargetAggregateIdentifier UUID hostId, String name, String uri, VirtType virtType, int maxDesktops, String storagePool, String displayAddress) {
}
