package org.openvdi.broker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.AssignDesktopCommand;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopPowerOnCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.error.LostRace;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.SpareCapacityPolicy;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.reconcile.TrustedDesktops;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.ConnectionTokenGrant;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.openvdi.broker.store.ClaimingTransaction;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives requested sessions a desktop: the user's own one in a persistent pool, else the oldest ready spare; after a
 * restart, only desktops whose host has been checked since (see {@link TrustedDesktops}). When none is ready it waits
 * for the capacity process, unless nothing can ever serve the request (pool full, no host), which fails the session at
 * once with a clear code.
 * <p>
 * The desktop's assignment and the session's are one transaction: both happen or neither, so no desktop is left
 * assigned to a session that did not get it. Threads: the request's own thread allocates its new session, and the
 * sweep every second those still waiting. Different sessions are allocated in parallel, on one broker or several (a
 * storm is not served one at a time): each allocation claims its spare's row in its transaction, and concurrent ones
 * skip claimed rows ({@link DesktopQueries#claimReadySpare}), so they take different spares instead of racing for the
 * oldest; the aggregates still decide. One session is allocated by one thread of a broker at a time: the sweep skips
 * a session that a request is allocating, and a request waits for the sweep's allocation of its session to finish.
 */
@Component
public class SessionAllocator {

    private static final Logger log = LoggerFactory.getLogger(SessionAllocator.class);
    /**
     * Attempts of one allocation that may lose a race (a command on the same desktop or session, on this broker or
     * another), and the pause after the first lost one, doubled after each.
     */
    private static final int RACES_LOST_AT_MOST = 5;
    private static final Duration LOST_RACE_PAUSE = Duration.ofMillis(25);

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final SpareCapacityPolicy capacity;
    private final TrustedDesktops trusted;
    private final HostQueries hosts;
    private final Duration allocationTimeout;
    private final Duration sweepGrace;
    private final TransactionTemplate transactions;
    private final ClusterLock lock;
    /** The allocations running now, by session: one at a time per session. */
    private final Map<UUID, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

    SessionAllocator(AuditedCommands commands, SessionQueries sessions, PoolQueries pools, DesktopQueries desktops,
                     HostQueries hosts, SpareCapacityPolicy capacity, TrustedDesktops trusted,
                     @Value("${openvdi.sessions.allocation-timeout:10m}") Duration allocationTimeout,
                     @Value("${openvdi.sessions.sweep-grace:2s}") Duration sweepGrace,
                     PlatformTransactionManager transactionManager, ClusterLock lock) {
        this.sweepGrace = sweepGrace;
        this.transactions = ClaimingTransaction.template(transactionManager);
        this.lock = lock;
        this.commands = commands;
        this.sessions = sessions;
        this.pools = pools;
        this.desktops = desktops;
        this.capacity = capacity;
        this.trusted = trusted;
        this.hosts = hosts;
        this.allocationTimeout = allocationTimeout;
    }

    /**
     * Every second, serves sessions still waiting (a desktop may have become ready). A session requested less than
     * {@code openvdi.sessions.sweep-grace} ago is left to the request that made it, which allocates it at once on
     * whichever broker took it: a sweep on another broker would race that allocation, each taking a spare for the
     * same session and counting the other's spare as still free, and in a storm fail the last requests as
     * {@code POOL_FULL} while a spare was only held up by the race.
     */
    @Scheduled(fixedDelayString = "${openvdi.sessions.allocation-interval:1000}")
    void allocateWaiting() {
        // one broker sweeps at a time; a request is still served at once by the broker that took it (allocate), and
        // two brokers assigning one desktop or one session are refused by the aggregates
        lock.runExclusively("allocation", () -> {
            Instant settled = Instant.now().minus(sweepGrace);
            List<SessionView> waitingSessions = sessions.inState(SessionState.REQUESTED).stream()
                    .filter(waiting -> !waiting.requestedAt().isAfter(settled)).toList();
            // one query for all: which of them a desktop already names (an allocation that stopped half-way)
            Set<UUID> named = desktops.sessionsWithDesktop(waitingSessions.stream().map(SessionView::id).toList());
            for (SessionView waiting : waitingSessions) {
                CompletableFuture<Void> mine = new CompletableFuture<>();
                if (running.putIfAbsent(waiting.id(), mine) == null) { // else a request is allocating it right now
                    allocateAs(waiting.id(), named.contains(waiting.id()), mine);
                }
            }
        });
    }

    /**
     * Allocates the session now, on the caller's thread. While another thread allocates the same session (the sweep),
     * waits for that one to finish instead, so the caller then reads the session as it left it.
     */
    public void allocate(UUID sessionId) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = running.putIfAbsent(sessionId, mine);
        if (other != null) {
            other.join();
            return;
        }
        allocateAs(sessionId, true, mine);
    }

    /**
     * Allocates a session that the caller has just requested, in a pool it has just read (no need to read either
     * again), and records the user's first connection token with the desktop's assignment. Returns whether this call
     * assigned the desktop, and with it recorded the token; otherwise the session is waiting, failed or ended, or the
     * sweep served it (without the token).
     */
    public boolean allocateNew(UUID sessionId, String user, Instant requestedAt, PoolView pool,
                               ConnectionTokenGrant token) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = running.putIfAbsent(sessionId, mine);
        if (other != null) {
            other.join();
            return false;
        }
        try {
            SessionView session = new SessionView(sessionId, pool.id(), user, SessionState.REQUESTED, null, null,
                    requestedAt, null, null, null, null, null, null);
            return allocate(session, pool, token) == Allocation.ASSIGNED;
        } finally {
            running.remove(sessionId, mine);
            mine.complete(null);
        }
    }

    private void allocateAs(UUID sessionId, boolean mayBeHalfAssigned, CompletableFuture<Void> mine) {
        try {
            allocateLocked(sessionId, mayBeHalfAssigned);
        } finally {
            running.remove(sessionId, mine);
            mine.complete(null);
        }
    }

    private void allocateLocked(UUID sessionId, boolean mayBeHalfAssigned) {
        SessionView session = sessions.find(sessionId).orElse(null);
        if (session == null || session.state() != SessionState.REQUESTED) {
            return;
        }
        // an allocation that stopped half-way (its broker died, or the database went away, after the desktop recorded
        // the assignment and before the session did) is finished first: that desktop is this session's, and taking
        // another one would leave it assigned to nobody, for ever
        if (mayBeHalfAssigned) {
            try {
                for (DesktopView halfAssigned : desktops.assignedTo(sessionId)) {
                    if (finishAssignment(session, halfAssigned, null) != Allocation.WAITING) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.error("Finishing the allocation of session {} failed", sessionId, e);
                return;
            }
        }
        PoolView pool = pools.withoutCounts(session.poolId()).orElse(null);
        if (pool == null) {
            fail(session, ErrorCode.POOL_NOT_FOUND, "The pool no longer exists");
            return;
        }
        allocate(session, pool, null);
    }

    /** What one allocation did: assigned a desktop, settled the session otherwise (failed it, or found it ended), or neither. */
    private enum Allocation { ASSIGNED, SETTLED, WAITING }

    private Allocation allocate(SessionView session, PoolView pool, ConnectionTokenGrant token) {
        UUID sessionId = session.id();
        if (!pool.active()) {
            fail(session, ErrorCode.POOL_DRAINING, "Pool " + pool.name() + " is being deleted");
            return Allocation.SETTLED;
        }
        try {
            Allocation done = assignOwnOrSpare(session, pool, token);
            if (done != Allocation.WAITING) {
                return done;
            }
            if (Instant.now().isAfter(session.requestedAt().plus(allocationTimeout))) {
                fail(session, ErrorCode.NO_HOST_AVAILABLE, "No desktop became ready within " + allocationTimeout);
                return Allocation.SETTLED;
            }
            Optional<ErrorCode> impossible = capacity.whyUnservable(pool, session.id(), session.user());
            impossible.ifPresent(code -> fail(session, code, code == ErrorCode.POOL_FULL
                    ? "Pool " + pool.name() + " has reached its maximum size of " + pool.maxSize()
                    : "No host can take another desktop right now"));
            return impossible.isPresent() ? Allocation.SETTLED : Allocation.WAITING;
        } catch (RuntimeException e) {
            log.error("Allocating session {} failed", sessionId, e);
            return Allocation.WAITING;
        }
    }

    private Allocation assignOwnOrSpare(SessionView session, PoolView pool, ConnectionTokenGrant token) {
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
                        return Allocation.SETTLED;
                    }
                    commands.system(new RequestDesktopPowerOnCommand(desktop.id()));
                }
                return desktop.state() == DesktopState.READY && trusted.trusted(desktop)
                        ? tryAssign(session, desktop, false, token) : Allocation.WAITING;
            }
        }
        return assignSpare(session, pool, persistent, token);
    }

    /**
     * Claims the oldest ready spare ({@link DesktopQueries#claimReadySpare}) and assigns it, both halves, in one
     * transaction; a desktop that refuses (it changed since its row was read), or that a lost race was about, is passed
     * over for the next one.
     */
    private Allocation assignSpare(SessionView session, PoolView pool, boolean claim, ConnectionTokenGrant token) {
        Set<UUID> up = hosts.idsInState(HostState.UP);
        Set<UUID> inventoried = trusted.inventoriedAmong(up);
        // a claimed spare is passed over by every later attempt: those come only when it refused or a race was lost
        Set<UUID> passed = new HashSet<>();
        return retryingLostRaces(session, () -> transactions.execute(status -> {
            Optional<DesktopView> spare = desktops.claimReadySpare(pool.id(), up, trusted.since(), inventoried, passed);
            if (spare.isEmpty()) {
                return Optional.of(Allocation.WAITING);
            }
            passed.add(spare.get().id());
            return assignBoth(session, spare.get(), claim, token, status);
        }));
    }

    private Allocation tryAssign(SessionView session, DesktopView desktop, boolean claim, ConnectionTokenGrant token) {
        return retryingLostRaces(session, () -> Optional.of(transactions.execute(status ->
                assignBoth(session, desktop, claim, token, status)).orElse(Allocation.WAITING)));
    }

    /**
     * Runs {@code attempt} until it settles something (an empty answer: try again at once), and again after a pause
     * when it lost a race, {@link #RACES_LOST_AT_MOST} times at most.
     */
    private static Allocation retryingLostRaces(SessionView session, Supplier<Optional<Allocation>> attempt) {
        for (int races = 0; ; ) {
            try {
                Optional<Allocation> done = attempt.get();
                if (done.isPresent()) {
                    return done.get();
                }
            } catch (RuntimeException e) {
                if (!LostRace.causes(e) || ++races == RACES_LOST_AT_MOST) {
                    throw e;
                }
                log.debug("Allocating session {} lost a race, trying again: {}", session.id(), e.toString());
                pause(LOST_RACE_PAUSE.multipliedBy(1L << (races - 1)));
            }
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while allocating", e);
        }
    }

    /**
     * Assigns the desktop to the session and the session to the desktop, in the caller's transaction: both or
     * neither. Empty when the desktop refused (taken meanwhile); SETTLED when the session refused (it ended, or got
     * another desktop), in both cases with the transaction rolled back. A command inside this transaction is not
     * retried on its own ({@code store/CommandRetries}): a lost race rolls it back whole, and the caller's attempt
     * fails.
     */
    private Optional<Allocation> assignBoth(SessionView session, DesktopView desktop, boolean claim,
                                           ConnectionTokenGrant token, TransactionStatus status) {
        try {
            commands.system(new AssignDesktopCommand(desktop.id(), session.id(), session.user(), claim));
        } catch (BrokerException e) {
            log.debug("Desktop {} was taken meanwhile: {}", desktop.id(), e.getMessage());
            status.setRollbackOnly();
            return Optional.empty();
        }
        try {
            commands.system(new AssignDesktopToSessionCommand(session.id(), desktop.id(), token));
        } catch (BrokerException e) {
            log.info("Session {} ended or got another desktop before it got desktop {}: {}", session.id(), desktop.id(),
                    e.getMessage());
            status.setRollbackOnly();
            return Optional.of(Allocation.SETTLED);
        }
        log.info("Session {} of {} got desktop {}", session.id(), session.user(), desktop.id());
        return Optional.of(Allocation.ASSIGNED);
    }

    /** The session's half of an assignment the desktop has recorded already. */
    private Allocation finishAssignment(SessionView session, DesktopView desktop, ConnectionTokenGrant token) {
        try {
            commands.system(new AssignDesktopToSessionCommand(session.id(), desktop.id(), token));
        } catch (BrokerException e) {
            // the session ended while its desktop was being assigned: give the desktop back
            log.info("Session {} ended or got another desktop before it got desktop {}: {}", session.id(), desktop.id(),
                    e.getMessage());
            commands.system(new ReleaseDesktopCommand(desktop.id(), session.id()));
            return Allocation.SETTLED;
        }
        log.info("Session {} of {} got desktop {}", session.id(), session.user(), desktop.id());
        return Allocation.ASSIGNED;
    }

    private void fail(SessionView session, ErrorCode code, String reason) {
        log.info("Session {} of {} cannot be served: {}", session.id(), session.user(), reason);
        commands.system(new FailSessionCommand(session.id(), code, reason));
    }
}
