package org.openvdi.broker.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.SessionTimes;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.contract.SessionNotice;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The notices a pool's session limits give, worked out from the session's times on each poll (they are state, like
 * every notice): before a session reaches its pool's maximum length, one per configured notice time; once a
 * connected session has had no input for {@code idleLimit - idleWarning}, a warning with the seconds left; and at
 * {@code idleLimit}, a notice that tells the gateway to disconnect it. Ids name the limit and the moment it counts
 * from, so a gateway hands each one over once, and an idle period that input ended never comes back.
 */
@Component
@Order(3)
class LimitNotices implements NoticeSource {

    static final String MAX_LENGTH_TEXT = "This session reaches its maximum length and ends in %s. Save your work.";
    static final String IDLE_TEXT = "No keyboard or mouse input for a while: this tab disconnects in %s unless you use it.";
    static final String IDLE_DISCONNECT_TEXT = "Disconnected after %s without input. Your desktop is kept: reconnect to go on.";

    private final SessionQueries sessions;
    private final PoolQueries pools;

    LimitNotices(SessionQueries sessions, PoolQueries pools) {
        this.sessions = sessions;
        this.pools = pools;
    }

    @Override
    public List<SessionNotice> of(Set<UUID> carried, Instant now) {
        List<SessionNotice> notices = new ArrayList<>();
        Map<UUID, Optional<PoolView>> byId = new HashMap<>();
        for (SessionTimes session : sessions.withDesktop(carried)) {
            byId.computeIfAbsent(session.poolId(), pools::find)
                    .ifPresent(pool -> notices.addAll(of(session, pool.sessionLimits(), now)));
        }
        return notices;
    }

    static List<SessionNotice> of(SessionTimes session, SessionLimits limits, Instant now) {
        List<SessionNotice> notices = new ArrayList<>();
        if (limits.maxLength() != null && session.assignedAt() != null) {
            Instant end = session.assignedAt().plus(limits.maxLength());
            limits.endNotices().stream().filter(before -> !now.isBefore(end.minus(before))).min(Duration::compareTo)
                    .ifPresent(before -> notices.add(new SessionNotice(session.id(), "max-length/" + before.toSeconds(),
                            MAX_LENGTH_TEXT.formatted(words(before)), secondsUntil(now, end))));
        }
        Instant idleSince = session.idleSince();
        if (limits.idleLimit() != null && session.state() == SessionState.CONNECTED && idleSince != null) {
            Instant disconnectAt = idleSince.plus(limits.idleLimit());
            String period = Long.toString(idleSince.toEpochMilli());
            if (!now.isBefore(disconnectAt)) {
                notices.add(new SessionNotice(session.id(), "idle-disconnect/" + period,
                        IDLE_DISCONNECT_TEXT.formatted(words(limits.idleLimit())), 0, idleSince));
            } else if (limits.idleWarning() != null && !now.isBefore(disconnectAt.minus(limits.idleWarning()))) {
                notices.add(new SessionNotice(session.id(), "idle/" + period,
                        IDLE_TEXT.formatted(words(Duration.between(now, disconnectAt))), secondsUntil(now, disconnectAt)));
            }
        }
        return notices;
    }

    private static long secondsUntil(Instant now, Instant at) {
        return Math.max(0, Duration.between(now, at).toSeconds());
    }

    /** "15 minutes", "1 minute 30 seconds", "45 seconds". */
    static String words(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long minutes = seconds / 60;
        long rest = seconds % 60;
        if (minutes == 0) {
            return rest + (rest == 1 ? " second" : " seconds");
        }
        String text = minutes + (minutes == 1 ? " minute" : " minutes");
        return rest == 0 ? text : text + " " + rest + (rest == 1 ? " second" : " seconds");
    }
}
