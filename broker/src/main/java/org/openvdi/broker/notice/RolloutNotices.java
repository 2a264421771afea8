package org.openvdi.broker.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.rollout.PendingNotice;
import org.openvdi.broker.rollout.RolloutQueries;
import org.openvdi.contract.SessionNotice;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** A rollout's notices before its forced logoff, with id {@code <rollout>/<seconds before>}. */
@Component
@Order(1)
class RolloutNotices implements NoticeSource {

    private final RolloutQueries rollouts;

    RolloutNotices(RolloutQueries rollouts) {
        this.rollouts = rollouts;
    }

    @Override
    public List<SessionNotice> of(Set<UUID> sessions, Instant now) {
        return rollouts.pendingNotices(sessions).stream().map(notice -> toGateway(notice, now)).toList();
    }

    private static SessionNotice toGateway(PendingNotice notice, Instant now) {
        long secondsLeft = Math.max(0, Duration.between(now, notice.logoffAt()).toSeconds());
        return new SessionNotice(notice.sessionId(), notice.rolloutId() + "/" + notice.secondsBefore(), notice.notice(),
                secondsLeft);
    }
}
