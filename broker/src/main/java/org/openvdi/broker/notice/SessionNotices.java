package org.openvdi.broker.notice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.rollout.PendingNotice;
import org.openvdi.broker.rollout.RolloutQueries;
import org.openvdi.broker.telemetry.RedeemedConnections;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.springframework.stereotype.Component;

/**
 * Answers a gateway's notice poll: the pending notices of the sessions whose tunnels it proves it carries (by the
 * connection id it was handed for that session), with the seconds left until each session's forced logoff.
 * Tunnels it cannot prove get nothing, and are not told apart from tunnels without notices. Two kinds: a rollout's
 * notices before its forced logoff (id {@code <rollout>/<seconds before>}), and the notice of a pool being deleted,
 * pending for every open session of the pool from the drain's start to its deadline (id
 * {@code pool-deleted/<pool>}, which the desktop tab tells apart by its prefix).
 */
@Component
class SessionNotices {

    static final String POOL_DELETED = "pool-deleted/";

    private final RedeemedConnections connections;
    private final RolloutQueries rollouts;
    private final SessionQueries sessions;
    private final PoolQueries pools;
    private final LimitNotices limits;
    private final Clock clock;

    SessionNotices(RedeemedConnections connections, RolloutQueries rollouts, SessionQueries sessions, PoolQueries pools,
                   LimitNotices limits, Optional<Clock> clock) {
        this.connections = connections;
        this.rollouts = rollouts;
        this.sessions = sessions;
        this.pools = pools;
        this.limits = limits;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** A rollout's notices first, then those of the session's pool limits (maximum length, idle). */
    List<SessionNotice> of(NoticePoll poll) {
        Set<UUID> carried = connections.sessionsCarriedBy(poll.gatewayId(), poll.tunnels());
        List<SessionNotice> notices = new ArrayList<>(rollouts.pendingNotices(carried).stream().map(this::toGateway).toList());
        notices.addAll(poolDeletions(carried));
        notices.addAll(limits.of(carried, clock.instant()));
        return notices;
    }

    /** The notice of each carried session whose pool is being deleted, with the seconds left to the deadline. */
    private List<SessionNotice> poolDeletions(Set<UUID> carried) {
        Map<UUID, UUID> poolOf = sessions.poolsOfOpen(carried);
        Map<UUID, Optional<PoolView>> draining = new HashMap<>();
        List<SessionNotice> notices = new ArrayList<>();
        poolOf.forEach((session, poolId) -> draining.computeIfAbsent(poolId, pools::find)
                .filter(pool -> pool.drain() != null && pool.drain().deletedAt() == null)
                .ifPresent(pool -> notices.add(new SessionNotice(session, POOL_DELETED + pool.id(), pool.drain().message(),
                        Math.max(0, Duration.between(clock.instant(), pool.drain().deadline()).toSeconds())))));
        return notices;
    }

    private SessionNotice toGateway(PendingNotice notice) {
        long secondsLeft = Math.max(0, Duration.between(clock.instant(), notice.logoffAt()).toSeconds());
        return new SessionNotice(notice.sessionId(), notice.rolloutId() + "/" + notice.secondsBefore(), notice.notice(),
                secondsLeft);
    }
}
