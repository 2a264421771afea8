package org.openvdi.broker.session;

import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.RecordDesktopPoweredOffCommand;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.springframework.stereotype.Component;

/**
 * After a session ends: a floating desktop is recycled (the aggregate marks it, provisioning
 * destroys it, capacity replaces it); a persistent one stays with its user and follows its pool's
 * power policy (the desktop feature's power-off process then stops the VM). A desktop that fails or
 * vanishes ends the session that used it.
 */
@Component
@ProcessingGroup("processes")
class DesktopRecycler {

    private final AuditedCommands commands;
    private final DesktopQueries desktops;
    private final PoolQueries pools;

    DesktopRecycler(AuditedCommands commands, DesktopQueries desktops, PoolQueries pools) {
        this.commands = commands;
        this.desktops = desktops;
        this.pools = pools;
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
        boolean powerOff = pools.find(desktop.poolId()).map(p -> p.powerPolicy() == PowerPolicy.POWER_OFF_AT_LOGOFF)
                .orElse(false);
        if (powerOff) {
            commands.system(new RecordDesktopPoweredOffCommand(desktop.id()));
        }
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
