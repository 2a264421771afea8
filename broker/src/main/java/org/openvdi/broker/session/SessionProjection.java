package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.broker.store.ReadModelReset;
import org.openvdi.broker.store.ReadModelWrites;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code session_view} in step with the session events. */
@Component
@ProcessingGroup("projections")
class SessionProjection {

    private final JdbcClient jdbc;
    private final ReadModelWrites writes;

    SessionProjection(JdbcClient jdbc, ReadModelWrites writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    @EventHandler
    void on(SessionRequestedEvent e, @Timestamp Instant at) {
        writes.update(e.sessionId(), "INSERT INTO session_view (id, pool_id, user_name, state, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                e.sessionId(), e.poolId(), e.user(), SessionState.REQUESTED.name(), utc(at), utc(at));
    }

    @EventHandler
    void on(DesktopAssignedToSessionEvent e, @Timestamp Instant at) {
        writes.update(e.sessionId(), "UPDATE session_view SET state = ?, desktop_id = ?, assigned_at = ?, updated_at = ? WHERE id = ?",
                SessionState.READY.name(), e.desktopId(), utc(at), utc(at), e.sessionId());
    }

    /**
     * The columns hold when the broker recorded the connection (the events keep the gateway's own times):
     * the disconnect timeout counts from there, so telemetry that arrives late never ends a session early.
     */
    @EventHandler
    void on(SessionConnectedEvent e, @Timestamp Instant at) {
        writes.update(e.sessionId(), "UPDATE session_view SET state = ?, connected_at = ?, updated_at = ? WHERE id = ?",
                SessionState.CONNECTED.name(), utc(at), utc(at), e.sessionId());
    }

    /** With another tunnel still open the session stays CONNECTED; with none it is DISCONNECTED from now on. */
    @EventHandler
    void on(SessionDisconnectedEvent e, @Timestamp Instant at) {
        if (e.openConnections() > 0) {
            writes.update(e.sessionId(), "UPDATE session_view SET updated_at = ? WHERE id = ?",
                utc(at), e.sessionId());
            return;
        }
        writes.update(e.sessionId(), "UPDATE session_view SET state = ?, disconnected_at = ?, updated_at = ? WHERE id = ?",
                SessionState.DISCONNECTED.name(), utc(at), utc(at), e.sessionId());
    }

    @EventHandler
    void on(SessionFailedEvent e, @Timestamp Instant at) {
        writes.update(e.sessionId(), "UPDATE session_view SET state = ?, reason = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                SessionState.FAILED.name(), e.code() + ": " + e.reason(), utc(at), utc(at), e.sessionId());
    }

    @EventHandler
    void on(SessionEndedEvent e, @Timestamp Instant at) {
        writes.update(e.sessionId(), "UPDATE session_view SET state = ?, reason = ?, ended_at = ?, updated_at = ? WHERE id = ?",
                SessionState.ENDED.name(), e.reason(), utc(at), utc(at), e.sessionId());
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "session_view");
    }
}
