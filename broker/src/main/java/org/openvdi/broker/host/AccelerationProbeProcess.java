package org.openvdi.broker.host;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.host.api.RecordAccelerationProbeCommand;
import org.openvdi.broker.hypervisor.AccelerationVerdict;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Probes the acceleration of every up host set to auto whose probe is due (after its registration, which
 * for a host registered before this broker probed anything means when the broker first reaches it, and
 * after each admin request) and records what it found on the host. Until then the host takes no desktops.
 * Probes take seconds, so they run one at a time on a thread of their own, each under a cluster lock: two
 * brokers probing one host would destroy each other's probe guest. A host that cannot be reached is tried
 * again after a pause.
 */
@Component
class AccelerationProbeProcess {

    private static final Logger log = LoggerFactory.getLogger(AccelerationProbeProcess.class);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(30);

    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final Map<UUID, Long> retryAfterNanos = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("acceleration-probe"));

    AccelerationProbeProcess(HostQueries hosts, Hypervisor hypervisor, AuditedCommands commands, ClusterLock lock) {
        this.hosts = hosts;
        this.hypervisor = hypervisor;
        this.commands = commands;
        this.lock = lock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::probeDueHosts, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    void probeDueHosts() {
        for (HostView host : hosts.awaitingAccelerationProbe()) {
            Long retryAfter = retryAfterNanos.get(host.id());
            if (retryAfter == null || System.nanoTime() - retryAfter >= 0) {
                try {
                    // read again under the lock: another broker may have probed it a moment ago
                    lock.runExclusively("acceleration-probe", () -> hosts.find(host.id())
                            .filter(HostView::accelerationProbeDue).ifPresent(this::probe));
                } catch (RuntimeException e) {
                    retryAfterNanos.put(host.id(), System.nanoTime() + RETRY_PAUSE.toNanos());
                    log.error("Probing the acceleration of host {} failed; trying again in {}", host.name(), RETRY_PAUSE, e);
                }
            }
        }
    }

    private void probe(HostView host) {
        try {
            AccelerationVerdict verdict = hypervisor.probeAcceleration(host.target());
            commands.system(new RecordAccelerationProbeCommand(host.id(), verdict.effectiveType(), verdict.reason(),
                    verdict.millis()));
            retryAfterNanos.remove(host.id());
            log.info("Host {} defines its desktops as {}: {} (probed in {} ms)", host.name(), verdict.effectiveType(),
                    verdict.reason(), verdict.millis());
        } catch (HypervisorException e) {
            retryAfterNanos.put(host.id(), System.nanoTime() + RETRY_PAUSE.toNanos());
            log.warn("Cannot probe the acceleration of host {}; trying again in {}: {}", host.name(), RETRY_PAUSE,
                    e.getMessage());
        }
    }
}
