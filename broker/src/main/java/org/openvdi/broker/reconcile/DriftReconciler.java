package org.openvdi.broker.reconcile;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Compares what each host runs with what the events say, records every difference as an event,
 * then repairs it:
 * <ul>
 *   <li>GHOST: a desktop the broker believes ready or in use whose VM is gone or stopped. It is
 *       recorded lost; its session ends; it is torn down and the pool refills.</li>
 *   <li>ORPHAN: a VM or volume with our naming that no live desktop owns. It is destroyed.</li>
 * </ul>
 * Nothing without our naming is ever touched. A host that fails {@code failuresBeforeDown}
 * checks in a row is marked down; when it answers again it is marked up and reconciled.
 */
@Component
class DriftReconciler {

    private static final Logger log = LoggerFactory.getLogger(DriftReconciler.class);
    private static final Set<DesktopState> MUST_RUN = EnumSet.of(DesktopState.READY, DesktopState.ASSIGNED);

    private final HostQueries hosts;
    private final DesktopQueries desktops;
    private final Hypervisor hypervisor;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final int failuresBeforeDown;
    private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();

    DriftReconciler(HostQueries hosts, DesktopQueries desktops, Hypervisor hypervisor, AuditedCommands commands,
                    ClusterLock lock, @Value("${openvdi.reconcile.failures-before-down:3}") int failuresBeforeDown) {
        this.hosts = hosts;
        this.desktops = desktops;
        this.hypervisor = hypervisor;
        this.commands = commands;
        this.lock = lock;
        this.failuresBeforeDown = failuresBeforeDown;
    }

    @Scheduled(fixedDelayString = "${openvdi.reconcile.interval:10000}", initialDelayString = "${openvdi.reconcile.initial-delay:0}")
    void reconcileAll() {
        lock.runExclusively("reconcile", () -> hosts.all().forEach(this::reconcile));
    }

    void reconcile(HostView host) {
        Map<String, ManagedMachine> machines;
        try {
            hypervisor.probe(host.target());
            machines = hypervisor.inventory(host.target()).stream()
                    .collect(Collectors.toMap(ManagedMachine::desktopId, Function.identity(), (a, b) -> a));
        } catch (RuntimeException e) {
            int failed = failures.merge(host.id(), 1, Integer::sum);
            log.warn("Host {} did not answer ({} in a row): {}", host.name(), failed, e.getMessage());
            if (failed >= failuresBeforeDown && "UP".equals(host.state())) {
                commands.system(new MarkHostDownCommand(host.id(), e.getMessage()));
            }
            return;
        }
        failures.remove(host.id());
        if ("DOWN".equals(host.state())) {
            log.info("Host {} answers again", host.name());
            commands.system(new MarkHostUpCommand(host.id()));
        }
        Map<String, DesktopView> known = desktops.onHost(host.id()).stream()
                .collect(Collectors.toMap(d -> d.id().toString(), Function.identity()));
        for (DesktopView desktop : known.values()) {
            ManagedMachine machine = machines.get(desktop.id().toString());
            if (MUST_RUN.contains(desktop.state()) && (machine == null || !machine.running())) {
                String detail = machine == null || !machine.domainExists() ? "its VM is gone from the host"
                        : "its VM stopped behind the broker's back";
                commands.system(new RecordDriftCommand(host.id(), desktop.id(), "GHOST", detail));
                commands.system(new RecordDesktopLostCommand(desktop.id(), detail));
            }
        }
        for (ManagedMachine machine : machines.values()) {
            if (!known.containsKey(machine.desktopId())) {
                commands.system(new RecordDriftCommand(host.id(), UUID.fromString(machine.desktopId()), "ORPHAN",
                        "a VM or volume of ours that no live desktop owns"));
                hypervisor.destroy(host.target(), machine.desktopId());
                log.info("Destroyed orphan {} on host {}", machine.desktopId(), host.name());
            }
        }
    }
}
