package org.openvdi.broker.libvirt;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.event.ConnectionCloseReason;
import org.openvdi.broker.hosturi.HostUriNotAllowedException;
import org.openvdi.broker.hosturi.HostUriPolicy;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.HypervisorFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libvirt connection per URI, opened on first use and reused while it is alive. A dead
 * connection (failed health check, or libvirt's close callback) is dropped and the next call opens
 * a fresh one. Close observers hear when a connection of their URI is lost.
 *
 * <p>Every URI passes the {@link HostUriPolicy} again before a connection to it is opened (it was checked
 * when the host was registered, but files it names may have changed since). libvirt's own error messages
 * are logged at debug level only (see {@link LibvirtErrors}).
 */
final class LibvirtConnections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibvirtConnections.class);
    private static final int KEEPALIVE_INTERVAL_SECONDS = 5;
    private static final int KEEPALIVE_MISSES = 3;

    private final Map<String, Connect> open = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<ConnectionCloseReason>>> closeObservers = new ConcurrentHashMap<>();
    private final HostUriPolicy uris;

    LibvirtConnections(HostUriPolicy uris) {
        this.uris = uris;
    }

    /** Connections whose URIs are only checked against the grammar of host URIs. */
    LibvirtConnections() {
        this(HostUriPolicy.syntaxOnly());
    }

    /** The live connection to {@code uri}, opening one if needed; throws a retryable exception if that fails. */
    Connect connect(String uri) {
        synchronized (locks.computeIfAbsent(uri, key -> new Object())) {
            Connect cached = open.get(uri);
            if (cached != null && isAlive(uri, cached)) {
                return cached;
            }
            if (cached != null) {
                discard(uri, cached, ConnectionCloseReason.KEEPALIVE);
            }
            Connect fresh = openConnection(uri);
            open.put(uri, fresh);
            return fresh;
        }
    }

    /** Drops {@code broken} if it is still the cached connection of {@code uri}, and tells the close observers. */
    void discard(String uri, Connect broken) {
        discard(uri, broken, ConnectionCloseReason.ERROR);
    }

    private void discard(String uri, Connect broken, ConnectionCloseReason reason) {
        if (!open.remove(uri, broken)) {
            return;
        }
        log.info("dropping libvirt connection to {} ({})", uri, reason);
        NativeCallbackAnchor.keep(broken);
        try {
            broken.close();
        } catch (LibvirtException e) {
            log.debug("closing the dropped connection to {} failed as well", uri, e);
        }
        notifyObservers(uri, reason);
    }

    /** Calls {@code observer} whenever a connection to {@code uri} is lost, until the returned handle is closed. */
    AutoCloseable onClose(String uri, Consumer<ConnectionCloseReason> observer) {
        List<Consumer<ConnectionCloseReason>> observers = closeObservers.computeIfAbsent(uri, key -> new CopyOnWriteArrayList<>());
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    @Override
    public void close() {
        open.forEach((uri, connect) -> discard(uri, connect, ConnectionCloseReason.CLIENT));
    }

    private Connect openConnection(String uri) {
        try {
            uris.check(uri);
        } catch (HostUriNotAllowedException e) {
            throw new HypervisorException(HypervisorFailure.URI_NOT_ALLOWED, "cannot connect to libvirt: "
                    + e.getMessage(), false);
        }
        Connect connect;
        try {
            LibvirtEventLoop.ensureRunning();
            connect = new Connect(uri, false);
        } catch (LibvirtException e) {
            throw LibvirtErrors.toHypervisorException("connecting to libvirt", e, true);
        }
        try {
            if (!VirtTypePolicy.isTestDriver(uri)) {
                connect.setKeepAlive(KEEPALIVE_INTERVAL_SECONDS, KEEPALIVE_MISSES);
            }
            connect.registerCloseListener((closed, reason) -> onConnectionClosed(uri, closed, reason));
        } catch (LibvirtException e) {
            closeAfterFailure(connect, e);
            throw LibvirtErrors.toHypervisorException("setting up the libvirt connection", e, true);
        }
        log.info("connected to libvirt at {}", uri);
        return connect;
    }

    private static void closeAfterFailure(Connect connect, Exception cause) {
        NativeCallbackAnchor.keep(connect);
        try {
            connect.close();
        } catch (LibvirtException e) {
            cause.addSuppressed(e);
        }
    }

    private boolean isAlive(String uri, Connect connect) {
        try {
            return connect.isAlive();
        } catch (LibvirtException e) {
            log.info("libvirt connection to {} failed its health check: {}", uri, LibvirtErrors.summary(e));
            log.debug("libvirt said: {}", e.getMessage());
            return false;
        }
    }

    private void onConnectionClosed(String uri, Connect closed, ConnectionCloseReason reason) {
        if (open.remove(uri, closed)) {
            log.warn("libvirt connection to {} closed: {}", uri, reason);
            notifyObservers(uri, reason);
        }
    }

    private void notifyObservers(String uri, ConnectionCloseReason reason) {
        for (Consumer<ConnectionCloseReason> observer : closeObservers.getOrDefault(uri, List.of())) {
            try {
                observer.accept(reason);
            } catch (RuntimeException e) {
                log.error("a close observer of {} failed", uri, e);
            }
        }
    }
}
