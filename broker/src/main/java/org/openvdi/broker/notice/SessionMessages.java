package org.openvdi.broker.notice;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.store.SqlTimes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads {@code session_message}. */
@Component
class SessionMessages {

    private final JdbcClient jdbc;

    SessionMessages(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The messages of one session, oldest first. */
    List<SessionMessage> of(UUID sessionId) {
        return jdbc.sql("SELECT * FROM session_message WHERE session_id = ? ORDER BY sent_at, id").param(sessionId)
                .query(SessionMessages::map).list();
    }

    /** The messages of the given sessions sent after {@code since}, oldest first. */
    List<SessionMessage> sentSince(Collection<UUID> sessionIds, Instant since) {
        if (sessionIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM session_message WHERE session_id IN (:sessions) AND sent_at > :since ORDER BY sent_at, id")
                .param("sessions", sessionIds).param("since", SqlTimes.utc(since))
                .query(SessionMessages::map).list();
    }

    private static SessionMessage map(ResultSet rs, int row) throws SQLException {
        return new SessionMessage(rs.getObject("id", UUID.class), rs.getObject("session_id", UUID.class),
                rs.getString("user_name"), rs.getString("text"), rs.getString("sent_by"),
                rs.getObject("sent_at", OffsetDateTime.class).toInstant());
    }
}
