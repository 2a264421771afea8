package org.openvdi.broker.libvirt;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.openvdi.broker.hosturi.HostUriPolicy;
import org.openvdi.broker.hypervisor.AccelerationVerdict;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.hypervisor.HostFacts;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineEventListener;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.hypervisor.VolumeCopy;
import org.openvdi.templates.xml.DomainType;
import org.openvdi.templates.xml.DomainXmlRenderer;
import org.openvdi.templates.xml.ImageFormat;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.ProbeDomainXmlRenderer;
import org.openvdi.templates.xml.StoragePoolXmlRenderer;
import org.openvdi.templates.xml.VolumeXmlRenderer;

/**
 * The {@link Hypervisor} port on libvirt (libvirt-java over JNA): one cached, health-checked
 * connection per URI; every call idempotent and keyed by our ids. libvirt failures become
 * {@link HypervisorException}s, retryable when the connection was at fault (the connection is then
 * dropped and the next call reconnects). Ids that are not UUIDs and other invalid arguments are
 * rejected with {@link IllegalArgumentException}.
 *
 * <p>A plain class: a Spring configuration creates it (and closes it on shutdown).
 */
public class LibvirtHypervisor implements Hypervisor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibvirtHypervisor.class);

    @FunctionalInterface
    private interface LibvirtCall<T> {
        T apply(Connect connect) throws LibvirtException;
    }

    private final LibvirtConnections connections;
    private final VirtTypePolicy virtTypes = new VirtTypePolicy();
    private final AccelerationProbe acceleration;
    private final HostStoragePool storage;
    private final ImageInstaller images;
    private final CloneVolumes clones;
    private final UserDiskVolumes userDisks;
    private final VolumeMover mover;
    private final DomainLifecycle domains;
    private final MachineInventory inventory = new MachineInventory();
    private final LifecycleWatch watch;

    /**
     * An adapter that checks host URIs only against their grammar before connecting; pass the configured
     * {@link HostUriPolicy} to the other constructor to have the files they name checked as well.
     */
    public LibvirtHypervisor(LibvirtSettings settings) {
        this(settings, HostUriPolicy.syntaxOnly());
    }

    /** An adapter that checks every host URI against {@code uris} before it opens a connection. */
    public LibvirtHypervisor(LibvirtSettings settings, HostUriPolicy uris) {
        this.connections = new LibvirtConnections(uris);
        this.watch = new LifecycleWatch(connections);
        VolumeXmlRenderer volumeRenderer = new VolumeXmlRenderer();
        this.acceleration = new AccelerationProbe(new ProbeDomainXmlRenderer(), settings.probeTimeout());
        this.storage = new HostStoragePool(new StoragePoolXmlRenderer(), settings.poolRoot());
        VolumeStreams streams = new VolumeStreams();
        this.images = new ImageInstaller(volumeRenderer, streams);
        this.mover = new VolumeMover(volumeRenderer, streams);
        this.clones = new CloneVolumes(volumeRenderer);
        this.userDisks = new UserDiskVolumes(volumeRenderer);
        this.domains = new DomainLifecycle(new DomainXmlRenderer());
    }

    @Override
    public HostFacts probe(HostTarget host) {
        return call(host, "probing", connect -> {
            NodeInfo node = connect.nodeInfo();
            String type = virtTypes.decidedType(host, connect).map(DomainType::xmlName).orElse("auto");
            return new HostFacts(connect.getHostName(), connect.getType(), node.cpus, node.memory / 1024, type);
        });
    }

    @Override
    public AccelerationVerdict probeAcceleration(HostTarget host) {
        return call(host, "probing acceleration", connect -> acceleration.decide(connect, host));
    }

    @Override
    public void ensureImage(HostTarget host, ImageSpec image) {
        call(host, "placing image " + image.sha256(), connect -> images.ensure(connect, host, storage.ensure(connect, host), image));
    }

    @Override
    public void deleteImage(HostTarget host, ImageSpec image) {
        call(host, "deleting image " + image.sha256(), connect -> {
            var pool = storage.find(connect, host);
            return pool.isPresent() && images.delete(host, pool.get(), image);
        });
    }

    @Override
    public boolean hasImage(HostTarget host, ImageSpec image) {
        return call(host, "looking for image " + image.sha256(), connect -> {
            var pool = storage.find(connect, host);
            return pool.isPresent() && HostStoragePool.findVolume(pool.get(), new org.openvdi.templates.xml.ImageVolumeDefinition(
                    image.sha256(), ImageFormat.fromXmlName(image.format()), image.sizeBytes()).volumeName()).isPresent();
        });
    }

    /** Also makes sure the image volume is there and verified (a cache hit after {@link #ensureImage}). */
    @Override
    public void cloneVolume(HostTarget host, String desktopId, ImageSpec image) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        call(host, "cloning a volume for desktop " + id, connect -> {
            StoragePool pool = storage.ensure(connect, host);
            if (clones.find(pool, id).isEmpty()) {
                StorageVol imageVolume = images.ensure(connect, host, pool, image);
                clones.create(pool, id, imageVolume, ImageFormat.fromXmlName(image.format()), isTest(host),
                        image.minVirtualBytes());
            }
            return null;
        });
    }

    @Override
    public boolean ensureUserDisk(HostTarget host, String desktopId, int sizeGiB) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        return call(host, "creating the user disk of desktop " + id,
                connect -> userDisks.ensure(storage.ensure(connect, host), id, sizeGiB));
    }

    @Override
    public void defineDomain(HostTarget host, MachineSpec machine) {
        String id = LibvirtNames.requireDesktopId(machine.desktopId());
        call(host, "defining desktop " + id, connect -> {
            StoragePool pool = storage.ensure(connect, host);
            StorageVol clone = clones.find(pool, id).orElseThrow(() -> new HypervisorException(
                    "desktop " + id + " has no clone volume on host " + host.hostId() + "; clone it first", false));
            domains.define(connect, host, machine, virtTypes.effectiveType(host, connect), clone.getPath(),
                    userDiskPath(pool, machine));
            return null;
        });
    }

    /**
     * The path of the desktop's user disk volume when its machine has one and the volume is there; the volume
     * itself is created by the user-disk step (a missing one is left out of the domain and logged).
     */
    private static String userDiskPath(StoragePool pool, MachineSpec machine) throws LibvirtException {
        if (machine.userDiskGiB() == null) {
            return null;
        }
        String name = LibvirtNames.userDiskVolumeName(machine.desktopId());
        try {
            return pool.storageVolLookupByName(name).getPath();
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
            log.warn("desktop {} should have a user disk, but volume {} does not exist yet; defined without it",
                    machine.desktopId(), name);
            return null;
        }
    }

    @Override
    public boolean hasVolume(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        return call(host, "looking for the disk of desktop " + id, connect -> {
            Optional<StoragePool> pool = storage.find(connect, host);
            return pool.isPresent() && clones.find(pool.get(), id).isPresent();
        });
    }

    @Override
    public void start(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        call(host, "starting desktop " + id, connect -> {
            domains.start(connect, id);
            return null;
        });
    }

    @Override
    public void powerOff(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        call(host, "powering off desktop " + id, connect -> {
            domains.powerOff(connect, id);
            return null;
        });
    }

    @Override
    public boolean suspend(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        return call(host, "suspending desktop " + id, connect -> domains.suspend(connect, id));
    }

    /** Not on libvirt's test driver, whose domains run nothing. Needs no connection. */
    @Override
    public boolean showsDisplays(HostTarget host) {
        return !isTest(Objects.requireNonNull(host, "host"));
    }

    /** Reads the live XML (with secure data, so the password is in it); retryable while no port is assigned. */
    @Override
    public DisplayEndpoint display(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        return call(host, "reading the display of desktop " + id, connect -> {
            Domain domain = domains.find(connect, id).orElseThrow(() -> new HypervisorException(
                    "desktop " + id + " is not defined on host " + host.hostId(), false));
            DomainXmlReader.VncGraphics vnc = DomainXmlReader.vncGraphics(domain.getXMLDesc(Domain.XMLFlags.SECURE))
                    .orElseThrow(() -> new HypervisorException("desktop " + id + " has no VNC display", false));
            if (domain.isActive() != 1 || vnc.port() <= 0) {
                throw new HypervisorException("desktop " + id + " has no VNC port yet (not running)", true);
            }
            return new DisplayEndpoint(host.displayAddress(), vnc.port(), vnc.password());
        });
    }

    /** On libvirt's test driver, whose domains run no guest, no agent ever answers. */
    @Override
    public boolean guestAgentAnswers(HostTarget host, String desktopId, Duration timeout) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        Objects.requireNonNull(timeout, "timeout");
        return call(host, "pinging the guest agent of desktop " + id, connect -> {
            Domain domain = domains.find(connect, id).orElseThrow(() -> new HypervisorException(
                    "desktop " + id + " is not defined on host " + host.hostId(), false));
            if (domain.isActive() != 1) {
                throw new HypervisorException("desktop " + id + " is not running", false);
            }
            return !isTest(host) && GuestAgentPing.answers(domain, timeout);
        });
    }

    @Override
    public void destroy(HostTarget host, String desktopId, UserDiskFate userDisk) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        Objects.requireNonNull(userDisk, "userDisk");
        call(host, "destroying desktop " + id, connect -> {
            domains.remove(connect, id, isTest(host));
            var pool = storage.find(connect, host);
            if (pool.isPresent()) {
                clones.delete(pool.get(), id);
                if (userDisk == UserDiskFate.DELETE) {
                    userDisks.delete(pool.get(), id);
                }
            }
            return null;
        });
    }

    /** The same URI and the same pool name (two test-driver hosts always share its one pool). */
    @Override
    public boolean sharesStorage(HostTarget a, HostTarget b) {
        return a.uri().equals(b.uri()) && HostStoragePool.poolName(a).equals(HostStoragePool.poolName(b));
    }

    @Override
    public List<VolumeCopy> copyVolumes(HostTarget from, HostTarget to, String desktopId, ImageSpec image) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        if (sharesStorage(from, to)) {
            return List.of();
        }
        return call(from, "reading the volumes of desktop " + id, source -> {
            StoragePool sourcePool = storage.find(source, from).orElseThrow(() -> new HypervisorException(
                    "host " + from.hostId() + " has no storage pool " + from.storagePool(), false));
            return call(to, "copying the volumes of desktop " + id, target -> {
                StoragePool targetPool = storage.ensure(target, to);
                StorageVol targetImage = images.ensure(target, to, targetPool, image);
                try {
                    return mover.copy(source, sourcePool, target, targetPool, id, targetImage);
                } catch (java.io.IOException e) {
                    throw new HypervisorException("copying the volumes of desktop " + id + " from host " + from.hostId()
                            + " to host " + to.hostId() + " failed: " + e.getMessage(), true, e);
                }
            });
        });
    }

    @Override
    public void undefineDomain(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        call(host, "undefining desktop " + id, connect -> {
            domains.remove(connect, id, isTest(host));
            return null;
        });
    }

    @Override
    public void deleteVolumes(HostTarget host, String desktopId) {
        String id = LibvirtNames.requireDesktopId(desktopId);
        call(host, "deleting the volumes of desktop " + id, connect -> {
            var pool = storage.find(connect, host);
            if (pool.isPresent()) {
                clones.delete(pool.get(), id);
                userDisks.delete(pool.get(), id);
            }
            return null;
        });
    }

    @Override
    public List<ManagedMachine> inventory(HostTarget host) {
        return call(host, "listing desktops", connect -> inventory.list(connect, host.hostId(), storage.find(connect, host)));
    }

    /**
     * Lifecycle events arrive on libvirt's event thread. {@code CONNECTION_LOST} concerns the whole
     * host and carries a null desktop id; the subscription ends with it, so watch again afterwards.
     */
    @Override
    public AutoCloseable watch(HostTarget host, MachineEventListener listener) {
        Objects.requireNonNull(listener, "listener");
        return call(host, "watching desktops", connect -> watch.watch(host.uri(), host.hostId(), listener));
    }

    /** Closes every cached connection. */
    @Override
    public void close() {
        connections.close();
    }

    private static boolean isTest(HostTarget host) {
        return VirtTypePolicy.isTestDriver(host.uri());
    }

    private <T> T call(HostTarget host, String action, LibvirtCall<T> body) {
        Objects.requireNonNull(host, "host");
        Connect connect = connections.connect(host.uri());
        try {
            return body.apply(connect);
        } catch (LibvirtException e) {
            if (LibvirtErrors.isConnectionFailure(e)) {
                connections.discard(host.uri(), connect);
            }
            throw LibvirtErrors.toHypervisorException(action + " on host " + host.hostId(), e);
        }
    }
}
