package org.openvdi.broker.reconcile;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records a desktop whose VM should run but does not: a GHOST drift on its host, then the desktop
 * lost (its session ends, provisioning tears it down, capacity replaces it). It does so only if the
 * desktop is still exactly as it was seen before the host was asked, so a desktop that changed
 * meanwhile (powered off by its pool's policy, recycled, just assigned) is never taken for lost.
 */
@Component
class GhostRecorder {

    /** The states in which the broker believes a desktop's VM runs. */
    static final Set<DesktopState> MUST_RUN = EnumSet.of(DesktopState.READY, DesktopState.ASSIGNED);

    private static final Logger log = LoggerFactory.getLogger(GhostRecorder.class);

    private final DesktopQueries desktops;
    private final AuditedCommands commands;

    GhostRecorder(DesktopQueries desktops, AuditedCommands commands) {
        this.desktops = desktops;
        this.commands = commands;
    }

    /** Returns whether the desktop was recorded lost. */
    boolean record(UUID hostId, DesktopView seen, String detail) {
        DesktopView now = desktops.find(seen.id()).orElse(null);
        if (now == null || !MUST_RUN.contains(now.state()) || !hostId.equals(now.hostId())
                || !Objects.equals(now.updatedAt(), seen.updatedAt())) {
            log.debug("Desktop {} changed while its host was checked; not recording it lost", seen.id());
            return false;
        }
        commands.system(new RecordDriftCommand(hostId, seen.id(), "GHOST", detail));
        commands.system(new RecordDesktopLostCommand(seen.id(), detail));
        log.warn("Desktop {} ({}) on host {} is lost: {}", seen.id(), seen.state(), hostId, detail);
        return true;
    }
}
