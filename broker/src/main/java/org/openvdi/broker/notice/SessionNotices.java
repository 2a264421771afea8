package org.openvdi.broker.notice;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.telemetry.RedeemedConnections;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.springframework.stereotype.Component;

/**
 * Answers a gateway's notice poll: the pending notices of the sessions whose tunnels it proves it carries (by the
 * connection id it was handed for that session), from every {@link NoticeSource} in their order (a rollout's, a pool
 * deletion's, then the pool's session limits), with the seconds left until each session's forced logoff. Tunnels
 * it cannot prove get nothing, and are not told apart from tunnels without notices. The shared sessions' notices
 * ({@link ShareNotices}: viewers to cut off, who watches elsewhere) come last.
 */
@Component
class SessionNotices {

    private final RedeemedConnections connections;
    private final List<NoticeSource> sources;
    private final ShareNotices shares;
    private final Clock clock;

    SessionNotices(RedeemedConnections connections, List<NoticeSource> sources, ShareNotices shares,
                   Optional<Clock> clock) {
        this.connections = connections;
        this.sources = sources;
        this.shares = shares;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    List<SessionNotice> of(NoticePoll poll) {
        Set<UUID> carried = connections.sessionsCarriedBy(poll.gatewayId(), poll.tunnels());
        Instant now = clock.instant();
        List<SessionNotice> notices = new ArrayList<>();
        sources.forEach(source -> notices.addAll(source.of(carried, now)));
        notices.addAll(shares.of(carried, poll.gatewayId(), now));
        return notices;
    }
}
