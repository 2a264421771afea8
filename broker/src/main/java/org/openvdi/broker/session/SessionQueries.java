package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads sessions. */
@Component
public class SessionQueries {

    private final JdbcClient jdbc;

    SessionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<SessionView> find(UUID id) {
        return jdbc.sql("SELECT * FROM session_view WHERE id = ?").param(id).query(SessionQueries::map).optional();
    }

    public List<SessionView> ofUser(String user, boolean openOnly) {
        return jdbc.sql("SELECT * FROM session_view WHERE user_name = ?" + (openOnly ? " AND state NOT IN ('ENDED', 'FAILED')" : "")
                        + " ORDER BY requested_at DESC LIMIT 200")
                .param(user).query(SessionQueries::map).list();
    }

    public List<SessionView> recent(int limit) {
        return jdbc.sql("SELECT * FROM session_view ORDER BY requested_at DESC LIMIT ?").param(limit)
                .query(SessionQueries::map).list();
    }

    public List<SessionView> inState(SessionState state) {
        return jdbc.sql("SELECT * FROM session_view WHERE state = ? ORDER BY requested_at").param(state.name())
                .query(SessionQueries::map).list();
    }

    /** The user's open session in a pool, if any: asking again returns it instead of a second desktop. */
    public Optional<SessionView> openFor(UUID poolId, String user) {
        return jdbc.sql("SELECT * FROM session_view WHERE pool_id = ? AND user_name = ? AND state NOT IN ('ENDED', 'FAILED')"
                        + " ORDER BY requested_at DESC LIMIT 1")
                .params(poolId, user).query(SessionQueries::map).optional();
    }

    /** Sessions with no open connection since before the cutoff: candidates for the disconnect timeout. */
    public List<SessionView> disconnectedBefore(Instant cutoff) {
        return jdbc.sql("SELECT * FROM session_view WHERE state = 'DISCONNECTED' AND disconnected_at < ? ORDER BY disconnected_at")
                .param(utc(cutoff)).query(SessionQueries::map).list();
    }

    private static SessionView map(ResultSet rs, int row) throws SQLException {
        return new SessionView(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class), rs.getString("user_name"),
                SessionState.valueOf(rs.getString("state")), rs.getObject("desktop_id", UUID.class), rs.getString("reason"),
                instant(rs.getTimestamp("requested_at")), instant(rs.getTimestamp("assigned_at")),
                instant(rs.getTimestamp("connected_at")), instant(rs.getTimestamp("disconnected_at")),
                instant(rs.getTimestamp("ended_at")), null);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
