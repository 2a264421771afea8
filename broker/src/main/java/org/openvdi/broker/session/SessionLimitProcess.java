package org.openvdi.broker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerAction;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.session.api.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends open sessions at their pool's limits, each with its cause and a reason that names the limit:
 * <ul>
 *   <li>a session whose desktop became ready but that was never opened, after the pool's {@code unopenedTimeout}
 *   (or {@code openvdi.sessions.unopened-timeout}), so it no longer holds its desktop;</li>
 *   <li>a session older than the pool's {@code maxLength} (its page was told before, see the notice feature);</li>
 *   <li>in a persistent pool with a power action for disconnected desktops, a session whose user stayed
 *   disconnected for {@code afterDisconnected}: the desktop recycler then suspends or shuts the desktop down.</li>
 * </ul>
 * Idle sessions are not ended here: their gateway disconnects them when the notice poll says so. Ending is
 * idempotent (an ended session ignores another end), so a check that runs twice, on two brokers, say, is harmless.
 */
@Component
class SessionLimitProcess {

    private static final Logger log = LoggerFactory.getLogger(SessionLimitProcess.class);

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final PoolQueries pools;
    private final SessionLimitProperties properties;
    private final Clock clock;
    private final ClusterLock lock;

    SessionLimitProcess(AuditedCommands commands, SessionQueries sessions, PoolQueries pools,
                        SessionLimitProperties properties, Optional<Clock> clock, ClusterLock lock) {
        this.lock = lock;
        this.commands = commands;
        this.sessions = sessions;
        this.pools = pools;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(fixedDelayString = "${openvdi.sessions.limit-check-interval:5s}")
    void check() {
        lock.runExclusively("session-limits", this::checkAll);
    }

    private void checkAll() {
        Instant now = clock.instant();
        Map<UUID, Optional<PoolView>> byId = new HashMap<>();
        for (SessionTimes session : sessions.withDesktop()) {
            Optional<PoolView> pool = byId.computeIfAbsent(session.poolId(), pools::find);
            if (pool.isEmpty()) {
                continue;
            }
            Optional<End> end = endOf(session, pool.get(), now);
            if (end.isEmpty()) {
                continue;
            }
            try {
                commands.system(new EndSessionCommand(session.id(), end.get().reason(), AuditedCommands.SYSTEM,
                        end.get().cause()));
                log.info("Session {} of {} ended: {}", session.id(), session.user(), end.get().reason());
            } catch (RuntimeException e) {
                log.error("Ending session {} at its limit failed; trying again on the next check", session.id(), e);
            }
        }
    }

    /** Why the session is over now, if it is; the first limit reached wins. */
    Optional<End> endOf(SessionTimes session, PoolView pool, Instant now) {
        SessionLimits limits = pool.sessionLimits();
        if (session.state() == SessionState.READY && session.connectedAt() == null && session.assignedAt() != null) {
            Duration timeout = limits.unopenedTimeout() != null ? limits.unopenedTimeout() : properties.unopenedTimeout();
            if (reached(session.assignedAt(), timeout, now)) {
                return Optional.of(new End(SessionEndCause.NEVER_OPENED, "never opened within " + timeout));
            }
        }
        if (limits.maxLength() != null && session.assignedAt() != null && reached(session.assignedAt(), limits.maxLength(), now)) {
            return Optional.of(new End(SessionEndCause.MAX_LENGTH, "maximum session length of " + limits.maxLength() + " reached"));
        }
        if (session.state() == SessionState.DISCONNECTED && pool.type() == PoolType.PERSISTENT
                && limits.disconnectedAction() != PowerAction.NONE && session.disconnectedAt() != null
                && reached(session.disconnectedAt(), limits.afterDisconnected(), now)) {
            return Optional.of(new End(SessionEndCause.DISCONNECTED_POWER_DOWN, "disconnected for "
                    + limits.afterDisconnected() + ": desktop " + (limits.disconnectedAction() == PowerAction.SUSPEND
                    ? "suspended" : "shut down") + " until the next request"));
        }
        return Optional.empty();
    }

    private static boolean reached(Instant since, Duration limit, Instant now) {
        return !now.isBefore(since.plus(limit));
    }

    /** Why a session ends. */
    record End(SessionEndCause cause, String reason) {
    }
}
