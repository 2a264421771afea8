package org.openvdi.broker.desktop;

import java.util.List;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.DesktopSuspendRequestedEvent;
import org.openvdi.broker.desktop.api.RecordDesktopSuspendedCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Suspends persistent desktops recorded as suspending: saves the VM's memory on its host (libvirt managed save),
 * then records it suspended. Keyed by the desktop id and idempotent end to end: the hypervisor leaves a VM that is
 * saved already alone, and the record is a no-op once made, so handling the event again after a crash (or the
 * sweep that picks up a desktop whose host was down) neither saves twice nor loses the saved state. A desktop
 * asked for again before it was saved is left running.
 */
@Component
@ProcessingGroup("processes")
class SuspendProcess {

    private static final Logger log = LoggerFactory.getLogger(SuspendProcess.class);

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final AuditedCommands commands;
    private final ClusterLock lock;

    SuspendProcess(DesktopQueries desktops, HostQueries hosts, Hypervisor hypervisor, AuditedCommands commands,
                   ClusterLock lock) {
        this.lock = lock;
        this.desktops = desktops;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
        this.commands = commands;
    }

    @EventHandler
    void on(DesktopSuspendRequestedEvent event) {
        suspend(event.desktopId(), event.reason());
    }

    /** Picks up desktops left suspending (their host was down, or every retry of the event failed). */
    @Scheduled(fixedDelayString = "${openvdi.power.suspend-sweep-interval:30s}",
            initialDelayString = "${openvdi.power.suspend-sweep-interval:30s}")
    void sweep() {
        lock.runExclusively("suspend-sweep", () -> {
            for (DesktopView desktop : desktops.inStates(List.of(DesktopState.SUSPENDING))) {
                try {
                    suspend(desktop.id(), "still suspending");
                } catch (HypervisorException e) {
                    log.warn("Suspending desktop {} failed: {}; trying again later", desktop.id(), e.getMessage());
                }
            }
        });
    }

    /** Under the desktop's cluster lock, which its provisioning takes too: one broker at a time acts on its VM. */
    private void suspend(UUID desktopId, String why) {
        lock.runWhenFree(ProvisioningProcess.lockName(desktopId), () -> suspendLocked(desktopId, why));
    }

    private void suspendLocked(UUID desktopId, String why) {
        desktops.find(desktopId).filter(d -> d.state() == DesktopState.SUSPENDING)
                .ifPresent(desktop -> hosts.find(desktop.hostId()).filter(h -> h.state() == HostState.UP)
                        .ifPresent(host -> {
                            long started = System.nanoTime();
                            boolean saved = hypervisor.suspend(host.target(), desktop.id().toString());
                            long millis = (System.nanoTime() - started) / 1_000_000;
                            commands.system(new RecordDesktopSuspendedCommand(desktop.id(), saved, millis));
                            log.info("Persistent desktop {} of {} suspended{} in {} ms ({})", desktop.id(),
                                    desktop.owner(), saved ? "" : " (its VM was off already: it will boot)", millis, why);
                        }));
    }
}
