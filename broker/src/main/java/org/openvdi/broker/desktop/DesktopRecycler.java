package org.openvdi.broker.desktop;

import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopPoweredOffCommand;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * After a session ends: a floating desktop is recycled (the aggregate marks it, provisioning
 * destroys it, capacity replaces it); a persistent one stays with its user and follows its pool's
 * power policy. A desktop that fails or vanishes ends the session that used it.
 */
@Component
@ProcessingGroup("processes")
class DesktopRecycler {

    private static final Logger log = LoggerFactory.getLogger(DesktopRecycler.class);

    private final AuditedCommands commands;
    private final DesktopQueries desktops;
    private final PoolQueries pools;
    private final HostQueries hosts;
    private final Hypervisor hypervisor;

    DesktopRecycler(AuditedCommands commands, DesktopQueries desktops, PoolQueries pools, HostQueries hosts,
                    Hypervisor hypervisor) {
        this.commands = commands;
        this.desktops = desktops;
        this.pools = pools;
        this.hosts = hosts;
        this.hypervisor = hypervisor;
    }

    @EventHandler
    void on(SessionEndedEvent event) {
        if (event.desktopId() == null) {
            return;
        }
        commands.system(new ReleaseDesktopCommand(event.desktopId(), event.sessionId()));
        // the read model shows the release only once this handler's transaction commits: the
        // aggregate decides whether the released desktop is one to power off
        DesktopView desktop = desktops.find(event.desktopId()).orElse(null);
        if (desktop == null || desktop.owner() == null) {
            return;
        }
        boolean powerOff = pools.find(desktop.poolId()).map(p -> p.powerPolicy() == PowerPolicy.POWER_OFF_WHEN_IDLE)
                .orElse(false);
        if (powerOff) {
            commands.system(new RecordDesktopPoweredOffCommand(desktop.id()));
        }
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
        desktops.find(desktopId).filter(d -> d.state() == DesktopState.POWERED_OFF)
                .ifPresent(desktop -> hosts.find(desktop.hostId()).ifPresent(host -> {
                    hypervisor.powerOff(host.target(), desktop.id().toString());
                    log.info("Persistent desktop {} of {} powered off {}", desktop.id(), desktop.owner(), why);
                }));
    }

    @EventHandler
    void on(DesktopLostEvent event) {
        endSessionOf(event.desktopId(), "desktop lost: " + event.reason());
    }

    @EventHandler
    void on(DesktopFailedEvent event) {
        endSessionOf(event.desktopId(), "desktop failed: " + event.reason());
    }

    private void endSessionOf(UUID desktopId, String reason) {
        desktops.find(desktopId).map(DesktopView::sessionId)
                .ifPresent(sessionId -> commands.system(new EndSessionCommand(sessionId, reason, AuditedCommands.SYSTEM)));
    }
}
