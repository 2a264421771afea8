package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps when the user of each open session last touched keyboard or mouse, as its gateway reports it in its
 * connection telemetry. This is telemetry, not history: it is kept on the session's row, never as an event (a
 * report comes every few seconds per active tunnel), and a rebuilt read model starts without it, so idle limits
 * then count from the connection until the next report.
 */
@Component
public class SessionActivity {

    private final JdbcClient jdbc;

    SessionActivity(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records input at {@code at}, unless a later one is known or the session is over; reports may come out of order. */
    public void inputAt(UUID sessionId, Instant at) {
        jdbc.sql("""
                        UPDATE session_view SET last_input_at = ?
                        WHERE id = ? AND state IN (?, ?, ?) AND (last_input_at IS NULL OR last_input_at < ?)""")
                .params(utc(at), sessionId, SessionState.READY.name(), SessionState.CONNECTED.name(),
                        SessionState.DISCONNECTED.name(), utc(at))
                .update();
    }
}
