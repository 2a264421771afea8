package org.openvdi.broker.placement;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopMoveCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps desktops on hosts they may be on, from the read models alone, one sweep at a time:
 * <ul>
 *   <li>a desktop on a draining host, or on a host its pool's selector no longer matches, must leave: a powered-off
 *       persistent desktop is moved (with its disks) to another up, uncordoned host the selector matches and that has
 *       room; a running persistent one waits for its next power-off; an idle floating one (a ready spare, or one not
 *       ready yet) is recycled and its pool provisions a replacement on a matching host; one in use stays until its
 *       session ends (then floating ones are recycled anyway);</li>
 *   <li>a draining host with no desktop left is recorded drained (a move does not destroy the desktop, so the host
 *       evacuation's check after a destruction does not see it).</li>
 * </ul>
 * Every command is a no-op when repeated, so a sweep after a crash or on another broker simply carries on.
 */
@Component
class PlacementProcess {

    static final String DRAIN_REASON = "host drained";
    static final String SELECTOR_REASON = "host no longer matches the pool's host selector";
    private static final Logger log = LoggerFactory.getLogger(PlacementProcess.class);

    private final HostQueries hosts;
    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final AuditedCommands commands;
    private final ClusterLock lock;

    PlacementProcess(HostQueries hosts, PoolQueries pools, DesktopQueries desktops, AuditedCommands commands, ClusterLock lock) {
        this.hosts = hosts;
        this.pools = pools;
        this.desktops = desktops;
        this.commands = commands;
        this.lock = lock;
    }

    @Scheduled(fixedDelayString = "${openvdi.placement.interval:1000}", initialDelayString = "${openvdi.provisioning.initial-delay:1000}")
    void sweep() {
        lock.runExclusively("placement", this::place);
    }

    /** One sweep (a test calls this directly). */
    void place() {
        List<HostView> all = hosts.all();
        Map<UUID, PoolView> poolsById = pools.all().stream().collect(Collectors.toMap(PoolView::id, Function.identity()));
        for (HostView host : all) {
            if (host.state() != HostState.UP) {
                continue;
            }
            for (DesktopView desktop : desktops.onHost(host.id())) {
                PoolView pool = poolsById.get(desktop.poolId());
                if (pool == null || !pool.active()) {
                    continue;
                }
                String reason = host.draining() ? DRAIN_REASON : !host.matches(pool.selector()) ? SELECTOR_REASON : null;
                if (reason != null) {
                    leave(desktop, host, pool.selector(), reason);
                }
            }
            if (host.draining() && host.activeDesktops() == 0) {
                commands.system(new RecordHostDrainedCommand(host.id()));
            }
        }
    }

    private void leave(DesktopView desktop, HostView host, HostSelector selector, String reason) {
        try {
            if (desktop.owner() != null && desktop.state() == DesktopState.POWERED_OFF) {
                Optional<HostView> target = hosts.placement(selector, host.id());
                if (target.isEmpty()) {
                    log.debug("Desktop {} must leave host {} ({}), but no host matching {} has room", desktop.id(),
                            host.name(), reason, selector);
                    return;
                }
                commands.system(new RequestDesktopMoveCommand(desktop.id(), target.get().id(), reason));
                log.info("Desktop {} of {} moves from host {} to host {} ({})", desktop.id(), desktop.owner(), host.name(),
                        target.get().name(), reason);
            } else if (desktop.owner() == null && idle(desktop)) {
                commands.system(new RecycleDesktopCommand(desktop.id(), reason));
                log.info("Desktop {} recycled on host {} to be replaced elsewhere ({})", desktop.id(), host.name(), reason);
            }
        } catch (RuntimeException e) {
            // taken into use, powered on or moved meanwhile: the next sweep looks again
            log.debug("Desktop {} stays on host {} for now: {}", desktop.id(), host.name(), e.getMessage());
        }
    }

    /** A ready spare, or one never ready yet. */
    private static boolean idle(DesktopView desktop) {
        return desktop.state() == DesktopState.READY && desktop.sessionId() == null
                || desktop.state().provisioning() && desktop.readyAt() == null;
    }
}
