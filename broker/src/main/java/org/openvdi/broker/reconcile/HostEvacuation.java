package org.openvdi.broker.reconcile;

import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Moves idle desktops off a host that is drained or went down: desktops still being provisioned
 * and ready spares nobody owns are recycled (torn down once the host answers), so the pools count
 * them no more and capacity provisions their replacements on other hosts. Desktops in use finish
 * their sessions where they are; a persistent desktop keeps its user's disk and stays until it is
 * powered off, when the placement process moves it to another host with its disks. A draining host
 * with no desktop left is recorded drained (here after a destruction, by the placement process after
 * a move).
 */
@Component
@ProcessingGroup("processes")
class HostEvacuation {

    private static final Logger log = LoggerFactory.getLogger(HostEvacuation.class);

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final AuditedCommands commands;

    HostEvacuation(DesktopQueries desktops, HostQueries hosts, AuditedCommands commands) {
        this.desktops = desktops;
        this.hosts = hosts;
        this.commands = commands;
    }

    @EventHandler
    void on(HostDrainStartedEvent event) {
        evacuate(event.hostId(), "host drained");
        completeDrainIfEmpty(event.hostId());
    }

    @EventHandler
    void on(HostWentDownEvent event) {
        evacuate(event.hostId(), "host down");
    }

    @EventHandler
    void on(DesktopDestroyedEvent event) {
        desktops.find(event.desktopId()).ifPresent(desktop -> completeDrainIfEmpty(desktop.hostId()));
    }

    private void evacuate(UUID hostId, String reason) {
        int moved = 0;
        for (DesktopView desktop : desktops.onHost(hostId)) {
            // read again just before: a spare may have been handed to a session meanwhile
            if (desktops.find(desktop.id()).filter(HostEvacuation::idle).isPresent()) {
                try {
                    commands.system(new RecycleDesktopCommand(desktop.id(), reason));
                    moved++;
                } catch (BrokerException e) {
                    if (e.code() != ErrorCode.DESKTOP_IN_USE) {
                        throw e;
                    }
                    log.debug("Desktop {} was taken into use meanwhile; it stays: {}", desktop.id(), e.getMessage());
                }
            }
        }
        log.info("Host {}: {} idle desktop(s) recycled to be replaced elsewhere ({})", hostId, moved, reason);
    }

    /** Never ready yet (a desktop powering on again has been, and holds its user's disk), or an unowned spare. */
    private static boolean idle(DesktopView desktop) {
        return desktop.state().provisioning() && desktop.readyAt() == null
                || desktop.state() == DesktopState.READY && desktop.owner() == null && desktop.sessionId() == null;
    }

    private void completeDrainIfEmpty(UUID hostId) {
        hosts.find(hostId).filter(HostView::draining).filter(host -> host.activeDesktops() == 0)
                .ifPresent(host -> {
                    commands.system(new RecordHostDrainedCommand(hostId));
                    log.info("Host {} is drained", host.name());
                });
    }
}
