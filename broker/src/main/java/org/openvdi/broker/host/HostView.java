package org.openvdi.broker.host;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.VirtType;

/**
 * A host as admins see it. {@code state} says whether it answers; {@code activeDesktops} counts what occupies it. A
 * {@code draining} host is cordoned and sheds its idle desktops; it is drained when none is left.
 * {@code effectiveVirtType} is the domain type its desktops are defined with: the requested one, or for a
 * host set to auto what its acceleration probe found ({@code accelerationReason} says why); it is null until
 * then, and such a host takes no desktops. {@code accelerationProbeDue} is set while a probe is awaited.
 * {@code labels} are what pools' host selectors match ({@code site=berlin}, {@code gpu}). {@code drainBlockers} says
 * which desktops still keep the host from being drained (given for one host, null in the list).
 */
public record HostView(UUID id, String name, String uri, VirtType virtType, int maxDesktops, String storagePool,
                       String displayAddress, HostState state, boolean cordoned, boolean draining, String stateReason,
                       int activeDesktops, EffectiveVirtType effectiveVirtType, String accelerationReason,
                       boolean accelerationProbeDue, Instant registeredAt, List<String> labels,
                       DrainBlockers drainBlockers) {

    public HostView {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** The host with what blocks its drain. */
    public HostView withDrainBlockers(DrainBlockers blockers) {
        return new HostView(id, name, uri, virtType, maxDesktops, storagePool, displayAddress, state, cordoned, draining,
                stateReason, activeDesktops, effectiveVirtType, accelerationReason, accelerationProbeDue, registeredAt,
                labels, blockers);
    }

    /** Whether a pool with this selector may place desktops here (whether or not the host has room now). */
    public boolean matches(HostSelector selector) {
        return selector == null || selector.matches(labels);
    }

    /** Whether a pool with this selector may place a desktop here now. */
    public boolean acceptsDesktopsOf(HostSelector selector) {
        return acceptsDesktops() && matches(selector);
    }

    /** Where the adapter finds the host; a host set to auto is handed over with the type its probe decided. */
    public HostTarget target() {
        return new HostTarget(id.toString(), uri, decidedVirtType(), storagePool, displayAddress);
    }

    /** Up, not cordoned, below capacity, and its virtualization type known. */
    public boolean acceptsDesktops() {
        return hasRoom() && effectiveVirtType != null;
    }

    /** Up, not cordoned and below capacity: takes desktops now, or once an auto host's first probe has decided. */
    public boolean hasRoom() {
        return state == HostState.UP && !cordoned && activeDesktops < maxDesktops;
    }

    public int freeCapacity() {
        return maxDesktops - activeDesktops;
    }

    private VirtType decidedVirtType() {
        if (virtType != VirtType.AUTO || effectiveVirtType == null) {
            return virtType;
        }
        return switch (effectiveVirtType) {
            case KVM -> VirtType.KVM;
            case QEMU -> VirtType.QEMU;
            // the adapter defines test-driver domains as such, whatever the type
            case TEST -> VirtType.AUTO;
        };
    }
}
