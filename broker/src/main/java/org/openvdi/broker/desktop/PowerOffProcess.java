package org.openvdi.broker.desktop;

import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.desktop.api.DesktopPowerOnFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stops the VM of a persistent desktop once the desktop is recorded powered off (after its session
 * ended in a pool that powers idle desktops off, an admin's power-off, or after a failed power-on); its definition
 * and disk stay. Keyed by the desktop id and idempotent (a VM that is off already stays off), under the desktop's
 * cluster lock, which its provisioning (and so its power-on) takes too.
 */
@Component
@ProcessingGroup("processes")
class PowerOffProcess {

    private static final Logger log = LoggerFactory.getLogger(PowerOffProcess.class);

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;
    private final ClusterLock lock;

    PowerOffProcess(DesktopQueries desktops, HostQueries hosts, Hypervisor hypervisor, ClusterLock lock) {
        this.lock = lock;
        this.desktops = desktops;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
    }

    /**
     * Powers the VM off once it is recorded powered off, so that when the host reports it stopped the
     * broker already expects it; skipped if the desktop was asked for again meanwhile.
     */
    @EventHandler
    void on(DesktopPoweredOffEvent event) {
        powerOffWhileRecordedOff(event.desktopId(), "until its next session");
    }

    /** A VM whose power-on failed (its display never answered, say) may be half up: stop it. */
    @EventHandler
    void on(DesktopPowerOnFailedEvent event) {
        powerOffWhileRecordedOff(event.desktopId(), "after it failed to power on: " + event.reason());
    }

    private void powerOffWhileRecordedOff(UUID desktopId, String why) {
        lock.runWhenFree(ProvisioningProcess.lockName(desktopId), () -> powerOffLocked(desktopId, why));
    }

    private void powerOffLocked(UUID desktopId, String why) {
        desktops.find(desktopId).filter(d -> d.state() == DesktopState.POWERED_OFF)
                .ifPresent(desktop -> hosts.find(desktop.hostId()).ifPresent(host -> {
                    hypervisor.powerOff(host.target(), desktop.id().toString());
                    log.info("Persistent desktop {} of {} powered off {}", desktop.id(), desktop.owner(), why);
                }));
    }
}
