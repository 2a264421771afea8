package org.openvdi.broker.reconcile;

import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns a lifecycle event of a desktop's VM into a lost desktop when the broker believes that VM
 * runs (READY or ASSIGNED) and the host confirms it no longer does. Desktops in any other state
 * (provisioning, powered off by their pool's policy, being torn down) stop and vanish on purpose.
 * Runs on the watcher's worker thread, never on libvirt's event thread.
 */
@Component
class GhostDetector {

    private static final Logger log = LoggerFactory.getLogger(GhostDetector.class);

    private final HostQueries hosts;
    private final DesktopQueries desktops;
    private final Hypervisor hypervisor;
    private final GhostRecorder recorder;

    GhostDetector(HostQueries hosts, DesktopQueries desktops, Hypervisor hypervisor, GhostRecorder recorder) {
        this.hosts = hosts;
        this.desktops = desktops;
        this.hypervisor = hypervisor;
        this.recorder = recorder;
    }

    void onMachineEvent(UUID hostId, String desktopId, MachineEvent event) {
        if (event == MachineEvent.STARTED || event == MachineEvent.CONNECTION_LOST || desktopId == null) {
            return;
        }
        Optional<DesktopView> believed = desktopOnHost(hostId, desktopId);
        if (believed.isEmpty() || !GhostRecorder.MUST_RUN.contains(believed.get().state())) {
            log.debug("Desktop {} on host {}: {} is expected (or not ours)", desktopId, hostId, event);
            return;
        }
        HostView host = hosts.find(hostId).orElse(null);
        if (host != null && confirmedNotRunning(host, desktopId)) {
            recorder.record(hostId, believed.get(), describe(event));
        }
    }

    private Optional<DesktopView> desktopOnHost(UUID hostId, String desktopId) {
        try {
            return desktops.find(UUID.fromString(desktopId)).filter(d -> hostId.equals(d.hostId()));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /** Asks the host, since an event may be stale: the VM may have been started again since. */
    private boolean confirmedNotRunning(HostView host, String desktopId) {
        try {
            return hypervisor.inventory(host.target()).stream()
                    .noneMatch(machine -> machine.desktopId().equals(desktopId) && machine.running());
        } catch (HypervisorException e) {
            log.warn("Could not confirm that desktop {} stopped on host {}; reconciliation will check: {}", desktopId,
                    host.name(), e.getMessage());
            return false;
        }
    }

    private static String describe(MachineEvent event) {
        return switch (event) {
            case CRASHED -> "its VM crashed";
            case UNDEFINED -> "its VM was undefined behind the broker's back";
            default -> "its VM stopped behind the broker's back";
        };
    }
}
