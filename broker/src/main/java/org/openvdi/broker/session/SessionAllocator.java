package org.openvdi.broker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.AssignDesktopCommand;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopPowerOnCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.SpareCapacityPolicy;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.reconcile.TrustedDesktops;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gives requested sessions a desktop: the user's own one in a persistent pool, else the oldest
 * ready spare; after a restart, only desktops whose host has been checked since (see {@link TrustedDesktops}). When none is ready it waits for the capacity process, unless nothing can ever
 * serve the request (pool full, no host), which fails the session at once with a clear code.
 */
@Component
public class SessionAllocator {

    private static final Logger log = LoggerFactory.getLogger(SessionAllocator.class);

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final SpareCapacityPolicy capacity;
    private final TrustedDesktops trusted;
    private final Duration allocationTimeout;
    private final ClusterLock lock;

    SessionAllocator(AuditedCommands commands, SessionQueries sessions, PoolQueries pools, DesktopQueries desktops,
                     HostQueries hosts, SpareCapacityPolicy capacity, TrustedDesktops trusted, @Value("${openvdi.sessions.allocation-timeout:10m}") Duration allocationTimeout,
                     ClusterLock lock) {
        this.lock = lock;
        this.commands = commands;
        this.sessions = sessions;
        this.pools = pools;
        this.desktops = desktops;
        this.hosts = hosts;
        this.capacity = capacity;
        this.trusted = trusted;
        this.allocationTimeout = allocationTimeout;
    }

    /** Every few seconds, serves sessions still waiting (a desktop may have become ready). */
    @Scheduled(fixedDelayString = "${openvdi.sessions.allocation-interval:1000}")
    void allocateWaiting() {
        // one broker sweeps at a time; a request is still served at once by the broker that took it (allocate), and
        // two brokers assigning one desktop or one session are refused by the aggregates
        lock.runExclusively("allocation", () -> sessions.inState(SessionState.REQUESTED).forEach(s -> allocate(s.id())));
    }

    public synchronized void allocate(UUID sessionId) {
        SessionView session = sessions.find(sessionId).orElse(null);
        if (session == null || session.state() != SessionState.REQUESTED) {
            return;
        }
        PoolView pool = pools.find(session.poolId()).orElse(null);
        if (pool == null) {
            fail(session, ErrorCode.POOL_NOT_FOUND, "The pool no longer exists");
            return;
        }
        if (!pool.active()) {
            fail(session, ErrorCode.POOL_DRAINING, "Pool " + pool.name() + " is being deleted");
            return;
        }
        try {
            if (assignOwnOrSpare(session, pool)) {
                return;
            }
            if (Instant.now().isAfter(session.requestedAt().plus(allocationTimeout))) {
                fail(session, ErrorCode.NO_HOST_AVAILABLE, "No desktop became ready within " + allocationTimeout);
                return;
            }
            Optional<ErrorCode> impossible = capacity.whyUnservable(pool, session.user());
            impossible.ifPresent(code -> fail(session, code, code == ErrorCode.POOL_FULL
                    ? "Pool " + pool.name() + " has reached its maximum size of " + pool.maxSize()
                    : "No host can take another desktop right now"));
        } catch (RuntimeException e) {
            log.error("Allocating session {} failed", sessionId, e);
        }
    }

    /** Returns whether the session is settled: given a desktop, or failed. */
    private boolean assignOwnOrSpare(SessionView session, PoolView pool) {
        boolean persistent = pool.type() == PoolType.PERSISTENT;
        if (persistent) {
            Optional<DesktopView> own = desktops.ownedBy(pool.id(), session.user());
            if (own.isPresent()) {
                DesktopView desktop = own.get();
                if (desktop.state().resting()) {
                    if (desktop.failureReason() != null && desktop.updatedAt().isAfter(session.requestedAt())) {
                        // powering on for this very session failed: say so rather than try forever
                        fail(session, ErrorCode.DESKTOP_POWER_ON_FAILED, "Your desktop could not be started ("
                                + desktop.failureReason() + "). It is kept with its disk: try again, or ask an administrator.");
                        return true;
                    }
                    commands.system(new RequestDesktopPowerOnCommand(desktop.id()));
                }
                return desktop.state() == DesktopState.READY && trusted.trusted(desktop) && tryAssign(session, desktop, false);
            }
        }
        for (DesktopView spare : desktops.readySpares(pool.id(), hosts.idsInState(HostState.UP))) {
            if (trusted.trusted(spare) && tryAssign(session, spare, persistent)) {
                return true;
            }
        }
        return false;
    }

    private boolean tryAssign(SessionView session, DesktopView desktop, boolean claim) {
        try {
            commands.system(new AssignDesktopCommand(desktop.id(), session.id(), session.user(), claim));
        } catch (BrokerException e) {
            log.debug("Desktop {} was taken meanwhile: {}", desktop.id(), e.getMessage());
            return false;
        }
        try {
            commands.system(new AssignDesktopToSessionCommand(session.id(), desktop.id()));
        } catch (BrokerException e) {
            // the session ended while its desktop was being assigned: give the desktop back
            log.info("Session {} ended before it got desktop {}: {}", session.id(), desktop.id(), e.getMessage());
            commands.system(new ReleaseDesktopCommand(desktop.id(), session.id()));
            return true;
        }
        log.info("Session {} of {} got desktop {}", session.id(), session.user(), desktop.id());
        return true;
    }

    private void fail(SessionView session, ErrorCode code, String reason) {
        log.info("Session {} of {} cannot be served: {}", session.id(), session.user(), reason);
        commands.system(new FailSessionCommand(session.id(), code, reason));
    }
}
