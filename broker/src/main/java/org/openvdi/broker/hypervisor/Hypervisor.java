package org.openvdi.broker.hypervisor;

import java.time.Duration;
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

    /**
     * Creates the persistent desktop's user disk, an empty qcow2 volume {@code vdi-<desktopId>-user.qcow2} of
     * {@code sizeGiB} GiB, unless it exists (whatever its size: a user disk is never recreated or resized).
     *
     * @return true when this call created it, false when it was there already
     */
    boolean ensureUserDisk(HostTarget host, String desktopId, int sizeGiB);

    /** Defines the desktop's domain unless it is already defined. */
    void defineDomain(HostTarget host, MachineSpec machine);

    /** Starts the desktop's domain unless it is already running. */
    void start(HostTarget host, String desktopId);

    /** Powers the desktop's domain off (keeps its definition and disk); no-op when already off. */
    void powerOff(HostTarget host, String desktopId);

    /**
     * Suspends the running desktop: saves its memory on the host and stops its domain (libvirt's managed save), so
     * that the next {@link #start} restores it where it was instead of booting it. Idempotent: a domain that is off
     * with a saved state is left alone, so a retry never saves twice nor loses the saved state. Throws when the
     * domain is not defined.
     *
     * @return whether a saved state is there now; false when the domain was off already without one (it then
     *         boots on its next start)
     */
    boolean suspend(HostTarget host, String desktopId);

    /**
     * Whether the host's running desktops show a display to wait for. A simulated hypervisor runs no
     * guests, so its desktops have none: there, a desktop is ready as soon as it runs.
     */
    boolean showsDisplays(HostTarget host);

    /** Where the running desktop's VNC display listens, with its password. */
    DisplayEndpoint display(HostTarget host, String desktopId);

    /**
     * Whether the QEMU guest agent in the running desktop answers a {@code guest-ping} within {@code timeout}
     * (rounded up to whole seconds). False when the agent is not (yet) connected or did not answer in time;
     * throws when the desktop is not running or the host fails.
     */
    boolean guestAgentAnswers(HostTarget host, String desktopId, Duration timeout);

    /**
     * Destroys the domain, undefines it and deletes its system disk (the clone); each part skipped when gone.
     * The user disk of a persistent desktop is deleted with {@link UserDiskFate#DELETE} (the desktop is gone for
     * good) and left in the pool with {@link UserDiskFate#KEEP} (recomposition: provisioning the same desktop id
     * again on a new image attaches the same user disk).
     */
    void destroy(HostTarget host, String desktopId, UserDiskFate userDisk);

    /** Destroys the desktop for good: {@link #destroy(HostTarget, String, UserDiskFate)} with {@link UserDiskFate#DELETE}. */
    default void destroy(HostTarget host, String desktopId) {
        destroy(host, desktopId, UserDiskFate.DELETE);
    }

    /**
     * Whether two hosts name the same storage pool of the same libvirt: a desktop moving between them keeps its
     * volumes where they are (nothing to copy, nothing to delete).
     */
    boolean sharesStorage(HostTarget a, HostTarget b);

    /**
     * Copies a powered-off desktop's system disk (its overlay, pointed at the target's copy of its image, which must be
     * there: {@link #ensureImage} first) and its user disk, if it has one, from one host's storage pool to another's
     * through libvirt's storage streams, and checks each by SHA-256 on both sides. Idempotent and keyed by the desktop
     * id: a target volume that holds the same bytes already is kept, one that differs is replaced; the source is never
     * changed. Copies nothing (an empty list) when the hosts {@link #sharesStorage share their storage}.
     */
    List<VolumeCopy> copyVolumes(HostTarget from, HostTarget to, String desktopId, ImageSpec image);

    /** Stops and undefines the desktop's domain, keeping its volumes; no-op when it is not defined. */
    void undefineDomain(HostTarget host, String desktopId);

    /** Deletes the desktop's system disk and user disk from the host's storage pool; each one gone counts as deleted. */
    void deleteVolumes(HostTarget host, String desktopId);

    /** Every domain and volume on the host that carries our desktop metadata or naming. */
    List<ManagedMachine> inventory(HostTarget host);

    /** Subscribes to the host's domain lifecycle events for our desktops until the handle is closed. */
    AutoCloseable watch(HostTarget host, MachineEventListener listener);
}
