package org.openvdi.broker.session;

import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One open session per user and pool, across threads and brokers: {@code open_session} has one row per
 * (pool, user), written in the transaction that stores the session's {@link SessionRequestedEvent} (a subscribing
 * processor runs in the publishing command's transaction) and deleted in the one that ends or fails it.
 * A second request that races the first waits on the row, finds it taken, and fails with
 * {@link SessionAlreadyOpenException}: its event is rolled back with it, and the caller answers with the open session.
 * <p>
 * Not a projection: it is never reset or replayed, so a history from before this rule, which may hold several
 * open sessions of one user in one pool, never has to pass it again.
 */
@Component
@ProcessingGroup(OpenSessionClaims.GROUP)
class OpenSessionClaims {

    static final String GROUP = "session-claims";

    private final JdbcClient jdbc;

    OpenSessionClaims(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionRequestedEvent e) {
        int claimed = jdbc.sql("""
                        INSERT INTO open_session (pool_id, user_name, session_id) VALUES (?, ?, ?)
                        ON CONFLICT (pool_id, user_name) DO NOTHING""")
                .params(e.poolId(), e.user(), e.sessionId()).update();
        if (claimed == 0) {
            UUID open = jdbc.sql("SELECT session_id FROM open_session WHERE pool_id = ? AND user_name = ?")
                    .params(e.poolId(), e.user()).query(UUID.class).optional().orElse(null);
            throw new SessionAlreadyOpenException(e.poolId(), e.user(), open);
        }
    }

    @EventHandler
    void on(SessionEndedEvent e) {
        release(e.sessionId());
    }

    @EventHandler
    void on(SessionFailedEvent e) {
        release(e.sessionId());
    }

    private void release(UUID sessionId) {
        jdbc.sql("DELETE FROM open_session WHERE session_id = ?").param(sessionId).update();
    }
}
