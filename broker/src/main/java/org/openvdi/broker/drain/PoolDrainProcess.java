package org.openvdi.broker.drain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.RecordPoolDeletedCommand;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.SessionView;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drains each pool being deleted, one step per sweep, from the read models alone: sessions still waiting for a
 * desktop fail at once; every desktop no session holds is recycled through the existing destroy path (the
 * provisioning process tears it down on its host, keyed by the desktop's id, keeping or deleting a persistent
 * desktop's user disk as the deletion asked); the sessions still open are ended at the drain's deadline (their
 * tabs show the notice until then, see the notice feature), which releases their desktops for the next sweep.
 * Once no desktop of the pool is left and no session is open, the pool is recorded as deleted. Each command is a
 * no-op when repeated, so a sweep after a crash or on another broker simply carries on.
 */
@Component
class PoolDrainProcess {

    static final String REASON = "pool deleted";
    private static final Logger log = LoggerFactory.getLogger(PoolDrainProcess.class);
    /** States in which the drain waits: a session holds the desktop, or the host is tearing it down already. */
    private static final Set<DesktopState> WAITING = Set.of(DesktopState.ASSIGNED, DesktopState.RECYCLING,
            DesktopState.FAILED, DesktopState.LOST, DesktopState.DESTROYED);

    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final SessionQueries sessions;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final Clock clock;

    PoolDrainProcess(PoolQueries pools, DesktopQueries desktops, SessionQueries sessions, AuditedCommands commands,
                     ClusterLock lock, Optional<Clock> clock) {
        this.pools = pools;
        this.desktops = desktops;
        this.sessions = sessions;
        this.commands = commands;
        this.lock = lock;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(fixedDelayString = "${openvdi.pools.drain.interval:1000}", initialDelayString = "${openvdi.pools.drain.initial-delay:2000}")
    void sweep() {
        lock.runExclusively("pool-drain", () -> pools.draining().forEach(this::drain));
    }

    void drain(PoolView pool) {
        try {
            Instant now = clock.instant();
            boolean due = !now.isBefore(pool.drain().deadline());
            List<SessionView> open = sessions.openIn(pool.id());
            for (SessionView session : open) {
                if (session.state() == SessionState.REQUESTED) {
                    commands.system(new FailSessionCommand(session.id(), ErrorCode.POOL_DRAINING,
                            "Pool " + pool.name() + " is being deleted"));
                } else if (due) {
                    commands.system(new EndSessionCommand(session.id(), REASON, AuditedCommands.SYSTEM));
                    log.info("Pool {}: session {} of {} ended at the deletion's deadline", pool.name(), session.id(),
                            session.user());
                }
            }
            List<DesktopView> left = desktops.all(pool.id(), false);
            for (DesktopView desktop : left) {
                if (!WAITING.contains(desktop.state())) {
                    recycle(pool, desktop);
                }
            }
            if (left.isEmpty() && open.isEmpty()) {
                commands.system(new RecordPoolDeletedCommand(pool.id()));
                log.info("Pool {} ({}) deleted: its last desktop is gone", pool.name(), pool.id());
            }
        } catch (RuntimeException e) {
            log.error("Draining pool {} failed; the next sweep tries again", pool.id(), e);
        }
    }

    private void recycle(PoolView pool, DesktopView desktop) {
        try {
            commands.system(new RecycleDesktopCommand(desktop.id(), REASON, pool.drain().userDisks()));
            log.info("Pool {}: desktop {} recycled for the pool's deletion", pool.name(), desktop.id());
        } catch (BrokerException e) {
            // a session took it meanwhile: it is released when that session ends
            log.debug("Desktop {} is not recycled now: {}", desktop.id(), e.getMessage());
        }
    }
}
