package org.openvdi.broker.testsupport;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.VirtType;

/**
 * Desktops' VMs on libvirt's test driver, placed and inspected through the real adapter: what a host
 * registered by {@link Histories#testDriverHost} really runs, whatever the events say.
 */
public final class TestDriverMachines {

    private final Hypervisor hypervisor;
    private final ImageSpec image;

    public TestDriverMachines(Hypervisor hypervisor, ImageSpec image) {
        this.hypervisor = hypervisor;
        this.image = image;
    }

    /** Where the adapter finds a host of {@link Histories#testDriverHost} (as its host view hands it over). */
    public static HostTarget target(UUID hostId) {
        return new HostTarget(hostId.toString(), Histories.TEST_DRIVER, VirtType.AUTO, Histories.STORAGE_POOL,
                Histories.DISPLAY_ADDRESS);
    }

    /** The desktop's disk only, as after a crash right after cloning. */
    public void cloned(UUID hostId, UUID desktopId) {
        hypervisor.ensureImage(target(hostId), image);
        hypervisor.cloneVolume(target(hostId), desktopId.toString(), image);
    }

    /** Its disk and domain, not started. */
    public void defined(UUID hostId, UUID desktopId) {
        cloned(hostId, desktopId);
        hypervisor.defineDomain(target(hostId), new MachineSpec(desktopId.toString(), "desktop " + desktopId, 1, 256,
                "secret12", image));
    }

    /** Its disk and domain, running. */
    public void running(UUID hostId, UUID desktopId) {
        defined(hostId, desktopId);
        hypervisor.start(target(hostId), desktopId.toString());
    }

    /** A persistent desktop's user disk of {@code sizeGiB} GiB, whatever else the desktop has. */
    public void userDisk(UUID hostId, UUID desktopId, int sizeGiB) {
        hypervisor.ensureUserDisk(target(hostId), desktopId.toString(), sizeGiB);
    }

    /** What the host's inventory reports of these desktops (other tests' machines left out). */
    public List<ManagedMachine> of(UUID hostId, Collection<UUID> desktopIds) {
        List<String> ids = desktopIds.stream().map(UUID::toString).toList();
        return hypervisor.inventory(target(hostId)).stream().filter(m -> ids.contains(m.desktopId())).toList();
    }

    public List<ManagedMachine> of(UUID hostId, UUID... desktopIds) {
        return of(hostId, List.of(desktopIds));
    }
}
