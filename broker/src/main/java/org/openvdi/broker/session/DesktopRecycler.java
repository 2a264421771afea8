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
import org.openvdi.broker.desktop.api.SuspendDesktopCommand;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.PowerAction;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * After a session ends: a floating desktop is recycled (the aggregate marks it, provisioning
 * destroys it, capacity replaces it); a persistent one stays with its user and follows its pool's
 * power policy at logoff, or, when its user stayed disconnected too long, the pool's action for disconnected
 * desktops: shut down (the desktop feature's power-off process stops the VM) or suspend (its suspend process saves
 * the VM's memory and stops it). A desktop that fails or
 * vanishes ends the session that used it. A desktop that recorded an assignment to a session that never took it
 * (its allocation stopped half-way) is given back when that session fails or ends.
 */
@Component
@ProcessingGroup("processes")
class DesktopRecycler {

    private static final Logger log = LoggerFactory.getLogger(DesktopRecycler.class);

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
        releaseStranded(event.sessionId(), event.desktopId());
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
        PoolView pool = pools.find(desktop.poolId()).orElse(null);
        if (pool == null) {
            return;
        }
        switch (actionAfter(event, pool)) {
            case SHUT_DOWN -> commands.system(new RecordDesktopPoweredOffCommand(desktop.id(), why(event)));
            case SUSPEND -> commands.system(new SuspendDesktopCommand(desktop.id(), why(event)));
            case NONE -> { }
        }
    }

    /**
     * A session ended because its user stayed disconnected too long gets the pool's action for disconnected
     * desktops; any other end gets its power policy at logoff.
     */
    static PowerAction actionAfter(SessionEndedEvent event, PoolView pool) {
        if (event.cause() == SessionEndCause.DISCONNECTED_POWER_DOWN) {
            return pool.sessionLimits().disconnectedAction();
        }
        return pool.powerPolicy() == PowerPolicy.POWER_OFF_AT_LOGOFF ? PowerAction.SHUT_DOWN : PowerAction.NONE;
    }

    private static String why(SessionEndedEvent event) {
        return "session " + event.sessionId() + " ended: " + event.reason();
    }

    @EventHandler
    void on(SessionFailedEvent event) {
        releaseStranded(event.sessionId(), null);
    }

    /**
     * Gives back the desktops that recorded an assignment to the session but were never the session's: their
     * allocation stopped between the desktop's half and the session's (its broker died, or the database went away),
     * and the session then got another desktop, failed or ended. Without this they would stay assigned to nobody.
     */
    private void releaseStranded(UUID sessionId, UUID sessionsOwn) {
        for (DesktopView stranded : desktops.assignedTo(sessionId)) {
            if (!stranded.id().equals(sessionsOwn)) {
                log.warn("Desktop {} was assigned to session {}, which never took it: released", stranded.id(), sessionId);
                commands.system(new ReleaseDesktopCommand(stranded.id(), sessionId));
            }
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
