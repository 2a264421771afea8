package org.openvdi.broker.host;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.VirtType;

/**
 * A host as admins see it. {@code state} is UP or DOWN; {@code activeDesktops} counts what occupies it. A
 * {@code draining} host is cordoned and sheds its idle desktops; it is drained when none is left.
 */
public record HostView(UUID id, String name, String uri, VirtType virtType, int maxDesktops, String storagePool,
                       String displayAddress, String state, boolean cordoned, boolean draining, String stateReason,
                       int activeDesktops,
                       Instant registeredAt) {

    public HostTarget target() {
        return new HostTarget(id.toString(), uri, virtType, storagePool, displayAddress);
    }

    public boolean acceptsDesktops() {
        return "UP".equals(state) && !cordoned && activeDesktops < maxDesktops;
    }

    public int freeCapacity() {
        return maxDesktops - activeDesktops;
    }
}
