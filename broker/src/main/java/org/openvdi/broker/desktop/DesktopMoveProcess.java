package org.openvdi.broker.desktop;

import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.DesktopMovePhase;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.FailDesktopMoveCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveCopiedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveStartedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMovedCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.ReasonText;
import org.openvdi.broker.hypervisor.VolumeCopy;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.threads.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves each MOVING persistent desktop to its new host, one recorded step at a time, from the read model alone:
 * <ol>
 *   <li>REQUESTED: records that the move started;</li>
 *   <li>STARTED: makes sure the VM is off, places the image on the new host, and copies the system disk (overlay) and
 *       user disk there through libvirt's storage streams, each checked by SHA-256 on both sides; records the copy;</li>
 *   <li>COPIED: undefines the old domain (keeping its volumes), defines the domain on the new host and checks that it
 *       is there with its disks; only then deletes the old volumes, and records the desktop moved.</li>
 * </ol>
 * Every step is idempotent and keyed by the desktop id, and runs under the desktop's cluster lock (the provisioning
 * process's), so a crash or another broker simply resumes at the recorded step. A move that keeps failing is given up:
 * while the old volumes are still there, what was copied is removed from the new host and the desktop stays where it
 * was, powered off, with its disks (its next power-on defines its domain again); once the old volumes are gone, it is
 * never given up.
 */
@Component
class DesktopMoveProcess {

    private static final Logger log = LoggerFactory.getLogger(DesktopMoveProcess.class);

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final MachinePlans plans;
    private final ProvisioningSteps steps;
    private final AuditedCommands commands;
    private final ProvisioningProperties properties;
    private final ClusterLock lock;
    private final ExecutorService workers;
    private final Set<UUID> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();

    DesktopMoveProcess(DesktopQueries desktops, HostQueries hosts, Hypervisor hypervisor, MachinePlans plans,
                       ProvisioningSteps steps, AuditedCommands commands, ProvisioningProperties properties, ClusterLock lock) {
        this.desktops = desktops;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
        this.plans = plans;
        this.steps = steps;
        this.commands = commands;
        this.properties = properties;
        this.lock = lock;
        this.workers = Executors.newFixedThreadPool(Math.max(1, Math.min(2, properties.workers())), DaemonThreads.named("desktop-move"));
    }

    @Scheduled(fixedDelayString = "${openvdi.provisioning.interval:500}", initialDelayString = "${openvdi.provisioning.initial-delay:1000}")
    void sweep() {
        for (DesktopView desktop : desktops.inStates(List.of(DesktopState.MOVING))) {
            if (inFlight.add(desktop.id())) {
                workers.execute(() -> {
                    try {
                        step(desktop.id());
                    } finally {
                        inFlight.remove(desktop.id());
                    }
                });
            }
        }
    }

    /** Runs the desktop's next step under its lock (a test calls this directly). */
    void step(UUID desktopId) {
        lock.runExclusively(ProvisioningProcess.lockName(desktopId), () -> desktops.find(desktopId)
                .filter(current -> current.state() == DesktopState.MOVING).ifPresent(this::work));
    }

    private void work(DesktopView desktop) {
        Optional<HostView> from = hosts.find(desktop.hostId());
        Optional<HostView> to = hosts.find(desktop.moveToHost());
        if (to.isEmpty()) {
            commands.system(new FailDesktopMoveCommand(desktop.id(), "the new host is gone"));
            return;
        }
        if (from.isEmpty() || from.get().state() != HostState.UP || to.get().state() != HostState.UP) {
            return;
        }
        HostTarget source = from.get().target();
        HostTarget target = to.get().target();
        String id = desktop.id().toString();
        try {
            switch (desktop.movePhase()) {
                case REQUESTED -> commands.system(new RecordDesktopMoveStartedCommand(desktop.id()));
                case STARTED -> copy(desktop, source, target, id);
                case COPIED -> finish(desktop, source, target, id);
            }
            failures.remove(desktop.id());
        } catch (HypervisorException e) {
            int attempt = failures.merge(desktop.id(), 1, Integer::sum);
            boolean giveUp = !e.retryable() || attempt >= properties.attempts();
            log.warn("Moving desktop {} from host {} to host {}: {} (attempt {}{})", desktop.id(), from.get().name(),
                    to.get().name(), e.getMessage(), attempt, giveUp ? ", giving up" : "");
            if (giveUp) {
                giveUp(desktop, source, target, id, ReasonText.clean(e.getMessage()));
            }
        } catch (RuntimeException e) {
            log.error("Moving desktop {} failed unexpectedly", desktop.id(), e);
            giveUp(desktop, source, target, id, "internal error: " + ReasonText.clean(e.getMessage()));
        }
    }

    private void copy(DesktopView desktop, HostTarget source, HostTarget target, String id) {
        long started = System.nanoTime();
        hypervisor.powerOff(source, id);
        ProvisioningSteps.Plan plan = plans.of(desktop, target, true);
        lock.runWhenFree("image " + plan.image().sha256() + " on host " + target.hostId(),
                () -> hypervisor.ensureImage(target, plan.image()));
        List<VolumeCopy> copies = hypervisor.copyVolumes(source, target, id, plan.image());
        commands.system(new RecordDesktopMoveCopiedCommand(desktop.id(), copies, (System.nanoTime() - started) / 1_000_000));
        log.info("Desktop {}: {} volume(s) copied to host {}", desktop.id(), copies.size(), target.hostId());
    }

    private void finish(DesktopView desktop, HostTarget source, HostTarget target, String id) {
        long started = System.nanoTime();
        boolean shared = hypervisor.sharesStorage(source, target);
        // the domain names its host in its metadata: it is defined anew even where both hosts share one libvirt
        hypervisor.undefineDomain(source, id);
        ProvisioningSteps.Plan plan = plans.of(desktop, target, true);
        hypervisor.defineDomain(target, plan.machine(steps.password()));
        ManagedMachine machine = hypervisor.inventory(target).stream().filter(m -> m.desktopId().equals(id)).findFirst()
                .orElseThrow(() -> new HypervisorException("desktop " + id + " is not on host " + target.hostId()
                        + " after its definition", true));
        boolean userDisk = plan.userDisk() != null;
        if (!machine.domainExists() || !machine.volumeExists() || userDisk && !machine.userDiskExists()) {
            throw new HypervisorException("desktop " + id + " is incomplete on host " + target.hostId() + " (domain "
                    + machine.domainExists() + ", system disk " + machine.volumeExists() + ", user disk "
                    + machine.userDiskExists() + ")", true);
        }
        if (!shared) {
            hypervisor.deleteVolumes(source, id);
        }
        commands.system(new RecordDesktopMovedCommand(desktop.id(), (System.nanoTime() - started) / 1_000_000));
        log.info("Desktop {} moved to host {}", desktop.id(), target.hostId());
    }

    /**
     * Gives the move up, unless the old volumes are gone already (the new host holds the only copy: keep trying).
     * What was copied to the new host is removed first, so nothing is left behind there.
     */
    private void giveUp(DesktopView desktop, HostTarget source, HostTarget target, String id, String reason) {
        try {
            boolean shared = hypervisor.sharesStorage(source, target);
            if (!shared && !hypervisor.hasVolume(source, id)) {
                log.warn("Desktop {}: its old volumes are gone, so its move to host {} is not given up", id, target.hostId());
                return;
            }
            hypervisor.undefineDomain(target, id);
            if (!shared) {
                hypervisor.deleteVolumes(target, id);
            }
        } catch (RuntimeException e) {
            log.warn("Desktop {}: cleaning up its move failed, trying again: {}", id, e.getMessage());
            return;
        }
        failures.remove(desktop.id());
        commands.system(new FailDesktopMoveCommand(desktop.id(), reason));
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
