package org.openvdi.broker.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.contract.SessionNotice;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Admins' messages to the users of open sessions, pending for {@link #SHOWN_FOR} after each was sent (a tab that
 * connects within that time shows it too), with id {@code message/<message>} (the desktop tab tells them apart by
 * that prefix, and shows them without a countdown: {@code secondsLeft} is 0, as no logoff is ahead).
 */
@Component
@Order(4)
class MessageNotices implements NoticeSource {

    static final String MESSAGE = "message/";
    static final Duration SHOWN_FOR = Duration.ofMinutes(10);

    private final SessionQueries sessions;
    private final SessionMessages messages;

    MessageNotices(SessionQueries sessions, SessionMessages messages) {
        this.sessions = sessions;
        this.messages = messages;
    }

    @Override
    public List<SessionNotice> of(Set<UUID> carried, Instant now) {
        if (carried.isEmpty()) {
            return List.of();
        }
        Set<UUID> open = sessions.poolsOfOpen(carried).keySet();
        return messages.sentSince(open, now.minus(SHOWN_FOR)).stream()
                .map(m -> new SessionNotice(m.sessionId(), MESSAGE + m.id(), m.text(), 0)).toList();
    }
}
