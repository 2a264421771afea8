package org.openvdi.broker.threads;

import java.util.concurrent.ThreadFactory;

/**
 * Threads of the broker's own background work (workers, schedulers, libvirt's event loop): daemon
 * threads, so that they never keep the JVM alive after Spring has shut down, named after their job.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads that all carry {@code name}. */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
