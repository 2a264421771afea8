package org.openvdi.broker.notice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.rollout.PendingNotice;
import org.openvdi.broker.rollout.RolloutQueries;
import org.openvdi.broker.telemetry.RedeemedConnections;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.springframework.stereotype.Component;

/**
 * Answers a gateway's notice poll: the pending notices of the sessions whose tunnels it proves it carries (by the
 * connection id it was handed for that session), with the seconds left until each session's forced logoff.
 * Tunnels it cannot prove get nothing, and are not told apart from tunnels without notices.
 */
@Component
class SessionNotices {

    private final RedeemedConnections connections;
    private final RolloutQueries rollouts;
    private final LimitNotices limits;
    private final Clock clock;

    SessionNotices(RedeemedConnections connections, RolloutQueries rollouts, LimitNotices limits, Optional<Clock> clock) {
        this.connections = connections;
        this.rollouts = rollouts;
        this.limits = limits;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** A rollout's notices first, then those of the session's pool limits (maximum length, idle). */
    List<SessionNotice> of(NoticePoll poll) {
        Set<UUID> carried = connections.sessionsCarriedBy(poll.gatewayId(), poll.tunnels());
        List<SessionNotice> notices = new ArrayList<>(rollouts.pendingNotices(carried).stream().map(this::toGateway).toList());
        notices.addAll(limits.of(carried, clock.instant()));
        return notices;
    }

    private SessionNotice toGateway(PendingNotice notice) {
        long secondsLeft = Math.max(0, Duration.between(clock.instant(), notice.logoffAt()).toSeconds());
        return new SessionNotice(notice.sessionId(), notice.rolloutId() + "/" + notice.secondsBefore(), notice.notice(),
                secondsLeft);
    }
}
