package org.openvdi.broker.reconcile;

import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.ReasonText;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Compares what each host runs with what the events say, records every difference as an event,
 * then repairs it:
 * <ul>
 *   <li>GHOST: a desktop the broker believes ready or in use whose VM is gone or stopped. It is
 *       recorded lost; its session ends; it is torn down and the pool refills.</li>
 *   <li>ORPHAN: a VM or volume of a desktop this broker has destroyed. It is destroyed again.</li>
 *   <li>ORPHANED_USER_DISK: a user disk ({@code vdi-<id>-user.qcow2}) of a desktop this broker has destroyed, or
 *       of one it does not know. It is recorded once per broker run and kept, unless
 *       {@code openvdi.reconcile.orphaned-user-disks} is {@code DELETE}: then the user disk of a destroyed desktop
 *       is deleted. A user disk of a desktop this broker never created is never deleted (it may be another
 *       installation's, sharing the storage pool).</li>
 * </ul>
 * A VM or volume with our naming whose desktop this broker never created (another installation
 * sharing the hypervisor) is left alone, and so is one of a live desktop on another host (one
 * libvirt registered under two names). A host that fails {@code failuresBeforeDown} checks in a row
 * is marked down; when it answers again it is marked up and reconciled. Runs on a thread of its own,
 * so a host that hangs never holds up the broker's other schedules.
 */
@Component
class DriftReconciler {

    private static final Logger log = LoggerFactory.getLogger(DriftReconciler.class);

    private final HostQueries hosts;
    private final DesktopQueries desktops;
    private final Hypervisor hypervisor;
    private final GhostRecorder ghosts;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final ReconcileProperties properties;
    private final TrustedDesktops trusted;
    private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();
    private final Set<String> foreign = ConcurrentHashMap.newKeySet();
    private final Set<String> reportedUserDisks = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reconciler"));

    DriftReconciler(HostQueries hosts, DesktopQueries desktops, Hypervisor hypervisor, GhostRecorder ghosts,
                    AuditedCommands commands, ClusterLock lock, ReconcileProperties properties, TrustedDesktops trusted) {
        this.hosts = hosts;
        this.desktops = desktops;
        this.hypervisor = hypervisor;
        this.ghosts = ghosts;
        this.commands = commands;
        this.lock = lock;
        this.properties = properties;
        this.trusted = trusted;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::reconcileAll, properties.initialDelay().toMillis(),
                properties.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }

    /** Reconciles one host as soon as the reconciler's thread is free (a watch of it was lost or resumed). */
    void reconcileSoon(UUID hostId) {
        try {
            scheduler.execute(() -> exclusively(() -> hosts.find(hostId).ifPresent(this::reconcile)));
        } catch (RejectedExecutionException shuttingDown) {
            log.debug("Not reconciling host {}: the broker is stopping", hostId);
        }
    }

    void reconcileAll() {
        exclusively(() -> hosts.all().forEach(this::reconcile));
    }

    private void exclusively(Runnable task) {
        try {
            lock.runExclusively("reconcile", task);
        } catch (RuntimeException e) {
            log.error("Reconciliation failed", e);
        }
    }

    void reconcile(HostView host) {
        // What the broker believes is read before the host is asked: a desktop that becomes ready
        // meanwhile is then not mistaken for a ghost; one that changes meanwhile is checked again.
        Map<String, DesktopView> believed = desktops.onHost(host.id()).stream()
                .collect(Collectors.toMap(d -> d.id().toString(), Function.identity()));
        Map<String, ManagedMachine> machines;
        try {
            hypervisor.probe(host.target());
            machines = hypervisor.inventory(host.target()).stream()
                    .collect(Collectors.toMap(ManagedMachine::desktopId, Function.identity(), (a, b) -> a));
        } catch (RuntimeException e) {
            failed(host, e);
            return;
        }
        answered(host);
        for (DesktopView desktop : believed.values()) {
            ManagedMachine machine = machines.get(desktop.id().toString());
            if (GhostRecorder.MUST_RUN.contains(desktop.state()) && (machine == null || !machine.running())) {
                ghosts.record(host.id(), desktop, machine == null || !machine.domainExists()
                        ? "its VM is gone from the host" : "its VM stopped behind the broker's back");
            }
        }
        for (ManagedMachine machine : machines.values()) {
            if (!believed.containsKey(machine.desktopId())) {
                unaccounted(host, machine);
            }
        }
        trusted.inventoried(host.id());
    }

    private void failed(HostView host, RuntimeException e) {
        int failed = failures.merge(host.id(), 1, Integer::sum);
        String reason = ReasonText.clean(e.getMessage());
        log.warn("Host {} did not answer ({} in a row): {}", host.name(), failed, reason);
        if (failed >= properties.failuresBeforeDown() && host.state() == HostState.UP) {
            commands.system(new MarkHostDownCommand(host.id(), reason));
        }
    }

    private void answered(HostView host) {
        failures.remove(host.id());
        if (host.state() == HostState.DOWN) {
            log.info("Host {} answers again", host.name());
            commands.system(new MarkHostUpCommand(host.id()));
        }
    }

    private void unaccounted(HostView host, ManagedMachine machine) {
        Optional<DesktopView> desktop = desktopOf(machine.desktopId());
        if (desktop.isEmpty()) {
            if (machine.userDiskExists()) {
                orphanedUserDisk(host, machine.desktopId(), "a user disk of a desktop this broker does not know; kept");
            }
            if (foreign.add(machine.desktopId())) {
                log.info("Host {} has VM or volume {} that this broker never created; leaving it alone", host.name(),
                        machine.desktopId());
            }
            return;
        }
        if (desktop.get().state() != DesktopState.DESTROYED) {
            log.debug("Desktop {} on host {} also shows on host {}: the same libvirt under two names?",
                    machine.desktopId(), desktop.get().hostId(), host.name());
            return;
        }
        // a user disk its pool's deletion chose to keep stays, whatever the policy for orphaned ones
        boolean keptByDeletion = desktop.get().keepUserDisk();
        UserDiskFate fate = keptByDeletion ? UserDiskFate.KEEP : properties.orphanedUserDisks();
        if (machine.userDiskExists()) {
            orphanedUserDisk(host, machine.desktopId(), keptByDeletion
                    ? "a user disk of a desktop that was destroyed; kept by its pool's deletion"
                    : fate == UserDiskFate.DELETE
                    ? "a user disk of a desktop that was destroyed; deleted by policy"
                    : "a user disk of a desktop that was destroyed; kept by policy");
        }
        if (machine.domainExists() || machine.volumeExists()) {
            commands.system(new RecordDriftCommand(host.id(), desktop.get().id(), "ORPHAN",
                    "a VM or volume of a desktop that was destroyed"));
        } else if (fate == UserDiskFate.KEEP) {
            return;
        }
        hypervisor.destroy(host.target(), machine.desktopId(), fate);
        log.info("Destroyed orphan {} on host {} (user disk: {})", machine.desktopId(), host.name(), fate);
    }

    /** Records the orphaned user disk once per broker run (a kept one shows in every inventory). */
    private void orphanedUserDisk(HostView host, String desktopId, String detail) {
        if (!reportedUserDisks.add(host.id() + "/" + desktopId)) {
            return;
        }
        commands.system(new RecordDriftCommand(host.id(), UUID.fromString(desktopId), "ORPHANED_USER_DISK", detail));
        log.info("Host {} has the user disk of desktop {}: {}", host.name(), desktopId, detail);
    }

    private Optional<DesktopView> desktopOf(String desktopId) {
        try {
            return desktops.find(UUID.fromString(desktopId));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }
}
