package org.openvdi.broker.host.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.VirtType;

/** Registers a hypervisor host, with its labels (checked by {@link HostLabels}; none when null). */
public record RegisterHostCommand(@TargetAggregateIdentifier UUID hostId, String name, String uri, VirtType virtType, int maxDesktops, String storagePool, String displayAddress, Set<String> labels) {

    /** A host without labels. */
    public RegisterHostCommand(UUID hostId, String name, String uri, VirtType virtType, int maxDesktops, String storagePool, String displayAddress) {
        this(hostId, name, uri, virtType, maxDesktops, storagePool, displayAddress, null);
    }
}
