package org.openvdi.broker.libvirt;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventDetail;
import org.libvirt.event.LifecycleListener;
import org.libvirt.event.StoppedDetail;
import org.openvdi.broker.hypervisor.MachineEventListener;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;
import org.openvdi.templates.xml.LibvirtNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards libvirt lifecycle events of our desktops' domains (recognised by the {@code vdi-<uuid>}
 * name, since an undefined domain has no metadata left to read) to a {@link MachineEventListener},
 * and tells it when the connection is lost. After {@code CONNECTION_LOST} the subscription is dead:
 * the subscriber reconciles and watches again.
 */
final class LifecycleWatch {

    private static final Logger log = LoggerFactory.getLogger(LifecycleWatch.class);

    private final LibvirtConnections connections;

    LifecycleWatch(LibvirtConnections connections) {
        this.connections = connections;
    }

    AutoCloseable watch(String uri, String hostId, MachineEventListener listener) throws LibvirtException {
        Connect connect = connections.connect(uri);
        AtomicBoolean closed = new AtomicBoolean();
        LifecycleListener lifecycle = (domain, event) -> {
            if (!closed.get()) {
                forward(hostId, domain, event, listener);
            }
            return 0;
        };
        connect.addLifecycleListener(lifecycle);
        AutoCloseable closeSubscription = connections.onClose(uri, reason -> {
            if (!closed.get()) {
                notify(listener, hostId, null, MachineEvent.CONNECTION_LOST);
            }
        });
        // Closing only silences the listener: libvirt-java drops a deregistered callback at once, while
        // libvirt's event loop may still hold and call it, which would crash the JVM. The registration
        // lives as long as its connection, which stays reachable (see NativeCallbackAnchor).
        return () -> {
            if (closed.compareAndSet(false, true)) {
                closeSubscription.close();
                NativeCallbackAnchor.keep(connect);
            }
        };
    }

    /** Maps libvirt's event to ours; events that do not change whether a desktop runs or exists map to nothing. */
    static Optional<MachineEvent> map(DomainEvent event) {
        return switch (event.getType()) {
            case STARTED -> Optional.of(MachineEvent.STARTED);
            case STOPPED -> {
                DomainEventDetail detail = event.getDetail();
                yield Optional.of(detail == StoppedDetail.CRASHED || detail == StoppedDetail.FAILED
                        ? MachineEvent.CRASHED : MachineEvent.STOPPED);
            }
            case CRASHED -> Optional.of(MachineEvent.CRASHED);
            case UNDEFINED -> Optional.of(MachineEvent.UNDEFINED);
            default -> Optional.empty();
        };
    }

    private static void forward(String hostId, Domain domain, DomainEvent event, MachineEventListener listener) {
        try {
            Optional<String> desktopId = LibvirtNames.desktopIdOfDomain(domain.getName());
            Optional<MachineEvent> mapped = map(event);
            if (desktopId.isPresent() && mapped.isPresent()) {
                log.debug("host {} desktop {}: {} -> {}", hostId, desktopId.get(), event, mapped.get());
                notify(listener, hostId, desktopId.get(), mapped.get());
            }
        } catch (LibvirtException e) {
            log.error("could not read the domain of lifecycle event {} on host {}", event, hostId, e);
        }
    }

    private static void notify(MachineEventListener listener, String hostId, String desktopId, MachineEvent event) {
        try {
            listener.onEvent(hostId, desktopId, event);
        } catch (RuntimeException e) {
            // runs on libvirt's event thread, which must survive a faulty listener
            log.error("machine event listener failed on {} for desktop {} on host {}", event, desktopId, hostId, e);
        }
    }
}
