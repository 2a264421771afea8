package org.openvdi.broker.hypervisor;

import java.util.List;

/**
 * The broker's port to the hypervisors. Every method is idempotent and keyed by our own ids
 * (desktop id, image checksum), so a crash and a retry never leave an orphaned VM or volume.
 * Implementations throw {@link HypervisorException} on failure, never return null.
 */
public interface Hypervisor {

    /** Connects (or reuses the connection) and reports what the host is and can do. */
    HostFacts probe(HostTarget host);

    /**
     * Finds out which domain type really runs guests on the host, by booting a guest without disks of
     * each type and timing it. Takes seconds; leaves no domain behind. For hosts set to {@link VirtType#AUTO}.
     */
    AccelerationVerdict probeAcceleration(HostTarget host);

    /**
     * Places a template image in the host's storage pool, unless a volume with that checksum is
     * already there, and verifies its SHA-256 on the host. Throws if the checksum does not match.
     */
    void ensureImage(HostTarget host, ImageSpec image);

    /**
     * Deletes a template image from the host's storage pool through libvirt's storage API; no-op when it is gone.
     * Only for an image that no clone on the host is backed by any more.
     */
    void deleteImage(HostTarget host, ImageSpec image);

    /** Whether the template image is in the host's storage pool. */
    boolean hasImage(HostTarget host, ImageSpec image);

    /** Creates the desktop's linked clone (qcow2 backed by the image volume) unless it exists. */
    void cloneVolume(HostTarget host, String desktopId, ImageSpec image);

    /** Whether the desktop's clone volume (its disk) is in the host's storage pool. */
    boolean hasVolume(HostTarget host, String desktopId);

    /** Defines the desktop's domain unless it is already defined. */
    void defineDomain(HostTarget host, MachineSpec machine);

    /** Starts the desktop's domain unless it is already running. */
    void start(HostTarget host, String desktopId);

    /** Powers the desktop's domain off (keeps its definition and disk); no-op when already off. */
    void powerOff(HostTarget host, String desktopId);

    /**
     * Whether the host's running desktops show a display to wait for. A simulated hypervisor runs no
     * guests, so its desktops have none: there, a desktop is ready as soon as it runs.
     */
    boolean showsDisplays(HostTarget host);

    /** Where the running desktop's VNC display listens, with its password. */
    DisplayEndpoint display(HostTarget host, String desktopId);

    /** Destroys the domain, undefines it and deletes its volume; each part skipped when gone. */
    void destroy(HostTarget host, String desktopId);

    /** Every domain and volume on the host that carries our desktop metadata or naming. */
    List<ManagedMachine> inventory(HostTarget host);

    /** Subscribes to the host's domain lifecycle events for our desktops until the handle is closed. */
    AutoCloseable watch(HostTarget host, MachineEventListener listener);
}
