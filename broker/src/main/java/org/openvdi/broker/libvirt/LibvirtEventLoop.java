package org.openvdi.broker.libvirt;

import org.libvirt.Connect;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's default event loop, which delivers domain events, close callbacks and keepalives. It is
 * process-wide in libvirt, so it is registered once and run on one daemon thread; it must be
 * registered before the first connection is opened, or that connection never sees events.
 */
final class LibvirtEventLoop {

    private static final Logger log = LoggerFactory.getLogger(LibvirtEventLoop.class);
    /**
     * libvirt prints every error to stderr unless a callback takes it; the same error reaches the
     * caller as a LibvirtException, so here it is only logged at debug. Held in a field: JNA must
     * keep the callback reachable.
     */
    private static final Libvirt.VirErrorCallback ERRORS_TO_DEBUG_LOG = (userData, error) ->
            log.debug("libvirt reported: {}", error == null ? null : error.message);
    private static boolean running;

    private LibvirtEventLoop() {
    }

    /** Registers and starts the event loop unless it runs already. */
    static synchronized void ensureRunning() throws LibvirtException {
        if (running) {
            return;
        }
        Connect.setErrorCallback(ERRORS_TO_DEBUG_LOG);
        Library.initEventLoop();
        DaemonThreads.named("libvirt-event-loop").newThread(LibvirtEventLoop::run).start();
        running = true;
        log.info("libvirt event loop started");
    }

    private static void run() {
        try {
            Library.runEventLoop();
            log.info("libvirt event loop stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("libvirt event loop interrupted");
        } catch (LibvirtException | RuntimeException e) {
            log.error("libvirt event loop failed; it is restarted on the next connection", e);
        } finally {
            markStopped();
        }
    }

    private static synchronized void markStopped() {
        running = false;
    }
}
