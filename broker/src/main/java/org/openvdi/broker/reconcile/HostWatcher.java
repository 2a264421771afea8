package org.openvdi.broker.reconcile;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps one lifecycle subscription ({@link Hypervisor#watch}) per UP host, hosts registered later
 * included, so a VM that stops behind the broker's back is noticed within seconds instead of at the
 * next inventory. A subscription that fails or whose connection is lost is retried with a doubling
 * pause, and the host is reconciled to catch what happened while nobody listened; a host that is
 * marked down loses its subscription until it is back. Events arrive on libvirt's event thread: they
 * are only queued there, and handled on a worker of their own.
 */
@Component
class HostWatcher {

    private static final Logger log = LoggerFactory.getLogger(HostWatcher.class);
    private static final int QUEUED_EVENTS = 10_000;
    private static final int STOP_TIMEOUT_SECONDS = 10;

    private record Watch(long generation, AutoCloseable handle) {
    }

    private record Retry(int failures, long notBeforeNanos) {
    }

    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final GhostDetector detector;
    private final DriftReconciler reconciler;
    private final ReconcileProperties properties;
    private final Map<UUID, Watch> watches = new ConcurrentHashMap<>();
    private final Map<UUID, Retry> retries = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private volatile boolean stopping;
    private final ScheduledExecutorService subscriber = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("host-watch"));
    private final ThreadPoolExecutor events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_EVENTS), DaemonThreads.named("host-events"),
            (task, executor) -> log.warn("Machine event queue full; an event is left to reconciliation"));

    HostWatcher(HostQueries hosts, Hypervisor hypervisor, GhostDetector detector, DriftReconciler reconciler,
                ReconcileProperties properties) {
        this.hosts = hosts;
        this.hypervisor = hypervisor;
        this.detector = detector;
        this.reconciler = reconciler;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        subscriber.scheduleWithFixedDelay(this::sync, 0, properties.watchInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends every subscription, after any subscribing under way, so no callback outlives the broker. */
    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        subscriber.shutdownNow();
        events.shutdownNow();
        if (!subscriber.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            log.warn("A host subscription did not finish within {} s while stopping", STOP_TIMEOUT_SECONDS);
        }
        watches.keySet().forEach(this::unwatch);
    }

    /** Whether a subscription to the host is open (for tests and diagnostics). */
    boolean watching(UUID hostId) {
        return watches.containsKey(hostId);
    }

    /**
     * Subscribes to every UP host that has no subscription and whose retry pause is over, and drops the
     * subscriptions of DOWN hosts. Runs on the subscriber thread, as does everything that changes them.
     */
    void sync() {
        try {
            List<HostView> all = hosts.all();
            Set<UUID> listed = all.stream().map(HostView::id).collect(Collectors.toSet());
            List.copyOf(watches.keySet()).stream().filter(id -> !listed.contains(id)).forEach(this::unwatch); // deleted hosts
            for (HostView host : all) {
                if (host.state() != HostState.UP) {
                    unwatch(host.id());
                } else if (!watches.containsKey(host.id()) && due(host.id())) {
                    subscribe(host);
                }
            }
        } catch (RuntimeException e) {
            log.error("Watching hosts failed", e);
        }
    }

    private boolean due(UUID hostId) {
        Retry retry = retries.get(hostId);
        return retry == null || System.nanoTime() - retry.notBeforeNanos() >= 0;
    }

    private void subscribe(HostView host) {
        long generation = generations.incrementAndGet();
        try {
            AutoCloseable handle = hypervisor.watch(host.target(),
                    (hostId, desktopId, event) -> queue(host.id(), generation, desktopId, event));
            watches.put(host.id(), new Watch(generation, handle));
            if (stopping) {
                unwatch(host.id());
                return;
            }
            Retry previous = retries.remove(host.id());
            log.info("Watching the desktops of host {}", host.name());
            if (previous != null) {
                reconciler.reconcileSoon(host.id());
            }
        } catch (RuntimeException e) {
            Duration pause = retryLater(host.id());
            log.warn("Cannot watch host {}; trying again in {}: {}", host.name(), pause, e.getMessage());
        }
    }

    /** Runs on libvirt's event thread: must not block, so it only queues. */
    private void queue(UUID hostId, long generation, String desktopId, MachineEvent event) {
        try {
            events.execute(() -> handle(hostId, generation, desktopId, event));
        } catch (RejectedExecutionException shuttingDown) {
            log.debug("Dropped {} of desktop {}: the broker is stopping", event, desktopId);
        }
    }

    private void handle(UUID hostId, long generation, String desktopId, MachineEvent event) {
        try {
            if (event == MachineEvent.CONNECTION_LOST) {
                subscriber.execute(() -> connectionLost(hostId, generation));
            } else {
                detector.onMachineEvent(hostId, desktopId, event);
            }
        } catch (RuntimeException e) {
            log.error("Handling {} of desktop {} on host {} failed", event, desktopId, hostId, e);
        }
    }

    private void connectionLost(UUID hostId, long generation) {
        Watch watch = watches.get(hostId);
        if (watch == null || watch.generation() != generation) {
            return;
        }
        unwatch(hostId);
        Duration pause = retryLater(hostId);
        log.warn("Lost the connection watching host {}; subscribing again in {}", hostId, pause);
        reconciler.reconcileSoon(hostId);
    }

    private Duration retryLater(UUID hostId) {
        Retry retry = retries.compute(hostId, (id, previous) -> {
            int failures = previous == null ? 1 : previous.failures() + 1;
            return new Retry(failures, System.nanoTime() + properties.backoff(failures).toNanos());
        });
        return properties.backoff(retry.failures());
    }

    private void unwatch(UUID hostId) {
        Watch watch = watches.remove(hostId);
        if (watch == null) {
            return;
        }
        try {
            watch.handle().close();
        } catch (Exception e) {
            log.debug("Closing the watch of host {} failed: {}", hostId, e.getMessage());
        }
    }
}
