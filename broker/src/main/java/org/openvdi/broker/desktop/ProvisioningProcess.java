package org.openvdi.broker.desktop;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.FailDesktopCommand;
import org.openvdi.broker.desktop.api.RecordDesktopDestroyedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.desktop.api.RecordDesktopRecomposedCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ReasonText;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives every desktop that has work to do on its host: provisioning ones towards READY, and
 * recycled, failed or lost ones towards DESTROYED. It works from the read model, so after a crash
 * the next sweep resumes whatever was interrupted; each desktop runs on one worker at a time.
 */
@Component
class ProvisioningProcess {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningProcess.class);
    private static final List<DesktopState> WORK = List.of(DesktopState.REQUESTED, DesktopState.CLONED,
            DesktopState.DEFINED, DesktopState.STARTED, DesktopState.RECYCLING, DesktopState.FAILED, DesktopState.LOST, DesktopState.RECOMPOSING);

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final ProvisioningSteps steps;
    private final AuditedCommands commands;
    private final ProvisioningProperties properties;
    private final MachinePlans plans;
    private final ClusterLock lock;
    private final ExecutorService workers;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();

    ProvisioningProcess(DesktopQueries desktops, HostQueries hosts, Hypervisor hypervisor,
                        ProvisioningSteps steps, AuditedCommands commands, ProvisioningProperties properties,
                        MachinePlans plans, ClusterLock lock) {
        this.plans = plans;
        this.lock = lock;
        this.desktops = desktops;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
        this.steps = steps;
        this.commands = commands;
        this.properties = properties;
        this.workers = Executors.newFixedThreadPool(properties.workers(), DaemonThreads.named("provisioning"));
    }

    @Scheduled(fixedDelayString = "${openvdi.provisioning.interval:500}", initialDelayString = "${openvdi.provisioning.initial-delay:1000}")
    void sweep() {
        for (DesktopView desktop : desktops.inStates(WORK)) {
            if (inFlight.add(desktop.id())) {
                workers.execute(() -> {
                    try {
                        // one broker at a time works on a desktop; the others' sweeps skip it while it is locked,
                        // and it is read again under the lock, since another broker may have moved it on meanwhile
                        lock.runExclusively(lockName(desktop.id()), () -> desktops.find(desktop.id())
                                .filter(current -> WORK.contains(current.state())).ifPresent(this::work));
                    } finally {
                        inFlight.remove(desktop.id());
                    }
                });
            }
        }
    }

    /** The cluster lock of the hypervisor work on one desktop. */
    static String lockName(UUID desktopId) {
        return "desktop " + desktopId;
    }

    private void work(DesktopView desktop) {
        HostView host = hosts.find(desktop.hostId()).orElse(null);
        if (host == null || host.state() != HostState.UP) {
            return;
        }
        try {
            if (desktop.state().provisioning()) {
                provision(desktop, host);
            } else if (desktop.state() == DesktopState.RECOMPOSING) {
                // its domain and system disk go, its user disk stays; it is then provisioned again on its new version
                hypervisor.destroy(host.target(), desktop.id().toString(), UserDiskFate.KEEP);
                commands.system(new RecordDesktopRecomposedCommand(desktop.id()));
                log.info("Desktop {} torn down on host {} for its recomposition", desktop.id(), host.name());
            } else {
                // recycled, failed or lost: the desktop is gone for good, and its user disk with it unless its pool's
                // deletion keeps the users' disks
                hypervisor.destroy(host.target(), desktop.id().toString(),
                        desktop.keepUserDisk() ? UserDiskFate.KEEP : UserDiskFate.DELETE);
                commands.system(new RecordDesktopDestroyedCommand(desktop.id()));
                log.info("Desktop {} destroyed on host {}", desktop.id(), host.name());
            }
            failures.remove(desktop.id());
        } catch (HypervisorException e) {
            int attempt = failures.merge(desktop.id(), 1, Integer::sum);
            boolean giveUp = !e.retryable() || attempt >= properties.attempts();
            log.warn("Desktop {} on host {}: {} (attempt {}{})", desktop.id(), host.name(), e.getMessage(), attempt,
                    giveUp ? ", giving up" : "");
            if (giveUp && desktop.state().provisioning()) {
                failures.remove(desktop.id());
                commands.system(new FailDesktopCommand(desktop.id(), desktop.state().name(), e.getMessage()));
            }
        } catch (RuntimeException e) {
            log.error("Desktop {} on host {} failed unexpectedly", desktop.id(), host.name(), e);
            if (desktop.state().provisioning()) {
                commands.system(new FailDesktopCommand(desktop.id(), desktop.state().name(), "internal error: " + ReasonText.clean(e.getMessage())));
            }
        }
    }

    private void provision(DesktopView desktop, HostView host) {
        // a persistent desktop powering on again was ready before: its deadline runs from the power-on
        boolean poweringOn = desktop.readyAt() != null;
        Instant since = poweringOn ? desktop.updatedAt() : desktop.requestedAt();
        if (Instant.now().isAfter(since.plus(properties.deadline()))) {
            commands.system(new FailDesktopCommand(desktop.id(), desktop.state().name(),
                    "provisioning took longer than " + properties.deadline()));
            return;
        }
        if (poweringOn && !hypervisor.hasVolume(host.target(), desktop.id().toString())) {
            // the user's data is gone with it: the desktop is lost, and the user's next request gets a new one
            commands.system(new RecordDesktopLostCommand(desktop.id(), "its disk is gone from the host"));
            log.warn("Desktop {} of {} cannot power on: its disk is gone from host {}", desktop.id(), desktop.owner(), host.name());
            return;
        }
        steps.run(plans.of(desktop, host.target(), poweringOn), properties.displayTimeout(), properties.agentTimeout());
        log.info("Desktop {} ready on host {}", desktop.id(), host.name());
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
