package org.openvdi.broker.notice;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.session.api.SessionMessageSentEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code session_message} in step with the messages admins send to sessions' users. */
@Component
@ProcessingGroup("projections")
class SessionMessageProjection {

    private final JdbcClient jdbc;

    SessionMessageProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionMessageSentEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                        INSERT INTO session_message (id, session_id, user_name, text, sent_by, sent_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING""")
                .params(e.messageId(), e.sessionId(), e.user(), e.text(), e.by(), utc(at)).update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "session_message");
    }
}
