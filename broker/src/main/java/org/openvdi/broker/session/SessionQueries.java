package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.pool.WaitingSessions;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads sessions: the one reader of {@code session_view}. The pool feature asks through {@link WaitingSessions}.
 * States are bound as parameters by name, never written into the SQL.
 */
@Component
public class SessionQueries implements WaitingSessions {

    /** States of a session that is over. */
    private static final List<String> OVER = List.of(SessionState.ENDED.name(), SessionState.FAILED.name());
    /** States of an open session that has a desktop. */
    private static final List<String> WITH_DESKTOP = List.of(SessionState.READY.name(), SessionState.CONNECTED.name(),
            SessionState.DISCONNECTED.name());

    private final JdbcClient jdbc;

    SessionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The users of a pool's sessions requested in {@code [from, to)}, by session id (what a backtest replays). */
    public Map<UUID, String> usersOfPool(UUID poolId, Instant from, Instant to) {
        Map<UUID, String> users = new HashMap<>();
        jdbc.sql("SELECT id, user_name FROM session_view WHERE pool_id = ? AND requested_at >= ? AND requested_at < ?")
                .params(poolId, utc(from), utc(to))
                .query(rs -> {
                    users.put(rs.getObject("id", UUID.class), rs.getString("user_name"));
                });
        return users;
    }

    public Optional<SessionView> find(UUID id) {
        return jdbc.sql("SELECT * FROM session_view WHERE id = ?").param(id).query(SessionQueries::map).optional();
    }

    public List<SessionView> ofUser(String user, boolean openOnly) {
        var spec = jdbc.sql("SELECT * FROM session_view WHERE user_name = :user" + (openOnly ? " AND state NOT IN (:over)" : "")
                        + " ORDER BY requested_at DESC LIMIT 200")
                .param("user", user);
        if (openOnly) {
            spec = spec.param("over", OVER);
        }
        return spec.query(SessionQueries::map).list();
    }

    /**
     * Up to {@code limit} sessions, newest first, of one user (or of everyone when {@code user} is null), after the
     * position {@code (beforeAt, beforeId)} of the previous page when given.
     */
    public List<SessionView> page(String user, Instant beforeAt, UUID beforeId, int limit) {
        return page(user, null, null, beforeAt, beforeId, limit);
    }

    /** {@link #page(String, Instant, UUID, int)}, narrowed to one state and one pool when they are given. */
    public List<SessionView> page(String user, SessionState state, UUID poolId, Instant beforeAt, UUID beforeId, int limit) {
        return jdbc.sql("SELECT * FROM session_view WHERE (CAST(:user AS varchar) IS NULL OR user_name = :user)"
                        + " AND (CAST(:state AS varchar) IS NULL OR state = :state)"
                        + " AND (CAST(:pool AS uuid) IS NULL OR pool_id = :pool)"
                        + " AND (CAST(:at AS timestamptz) IS NULL OR (requested_at, id) < (:at, :id))"
                        + " ORDER BY requested_at DESC, id DESC LIMIT :limit")
                .param("user", user).param("state", state == null ? null : state.name()).param("pool", poolId)
                .param("at", beforeAt == null ? null : utc(beforeAt)).param("id", beforeId)
                .param("limit", limit).query(SessionQueries::map).list();
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
        return jdbc.sql("SELECT * FROM session_view WHERE pool_id = :pool AND user_name = :user AND state NOT IN (:over)"
                        + " ORDER BY requested_at DESC LIMIT 1")
                .param("pool", poolId).param("user", user).param("over", OVER).query(SessionQueries::map).optional();
    }

    /** The open sessions of a pool, oldest first. */
    public List<SessionView> openIn(UUID poolId) {
        return jdbc.sql("SELECT * FROM session_view WHERE pool_id = :pool AND state NOT IN (:over) ORDER BY requested_at, id")
                .param("pool", poolId).param("over", OVER).query(SessionQueries::map).list();
    }

    /** The pool of each of these sessions that is still open: one query for a whole notice poll. */
    public Map<UUID, UUID> poolsOfOpen(Collection<UUID> sessionIds) {
        Map<UUID, UUID> pools = new HashMap<>();
        if (sessionIds.isEmpty()) {
            return pools;
        }
        jdbc.sql("SELECT id, pool_id FROM session_view WHERE id IN (:sessions) AND state NOT IN (:over)")
                .param("sessions", sessionIds).param("over", OVER)
                .query(rs -> {
                    pools.put(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class));
                });
        return pools;
    }

    /** Sessions with no open connection since before the cutoff: candidates for the disconnect timeout. */
    public List<SessionView> disconnectedBefore(Instant cutoff) {
        return jdbc.sql("SELECT * FROM session_view WHERE state = ? AND disconnected_at < ? ORDER BY disconnected_at")
                .params(SessionState.DISCONNECTED.name(), utc(cutoff)).query(SessionQueries::map).list();
    }

    /** Open sessions that have a desktop (ready, connected or disconnected), oldest first: what limits apply to. */
    public List<SessionTimes> withDesktop() {
        return jdbc.sql("SELECT * FROM session_view WHERE state IN (:states) ORDER BY assigned_at")
                .param("states", WITH_DESKTOP).query(SessionQueries::times).list();
    }

    /** These sessions, if open with a desktop. */
    public List<SessionTimes> withDesktop(java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM session_view WHERE state IN (:states) AND id IN (:ids)")
                .param("states", WITH_DESKTOP).param("ids", ids).query(SessionQueries::times).list();
    }

    private static SessionTimes times(ResultSet rs, int row) throws SQLException {
        return new SessionTimes(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                rs.getString("user_name"), SessionState.valueOf(rs.getString("state")),
                instant(rs.getTimestamp("assigned_at")), instant(rs.getTimestamp("connected_at")),
                instant(rs.getTimestamp("disconnected_at")), instant(rs.getTimestamp("last_input_at")));
    }

    /** Requested sessions of the pool, in the order they were requested. */
    @Override
    public List<WaitingSession> waitingIn(UUID poolId) {
        return jdbc.sql("SELECT id, user_name FROM session_view WHERE pool_id = ? AND state = ? ORDER BY requested_at, id")
                .params(poolId, SessionState.REQUESTED.name())
                .query((rs, row) -> new WaitingSession(rs.getObject("id", UUID.class), rs.getString("user_name"))).list();
    }

    /** Sessions by state, every state present (zero when none). */
    public Map<SessionState, Long> countByState() {
        Map<SessionState, Long> counts = new EnumMap<>(SessionState.class);
        for (SessionState state : SessionState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM session_view GROUP BY state")
                .query((rs, row) -> counts.put(SessionState.valueOf(rs.getString("state")), rs.getLong("n"))).list();
        return counts;
    }

    private static SessionView map(ResultSet rs, int row) throws SQLException {
        return new SessionView(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class), rs.getString("user_name"),
                SessionState.valueOf(rs.getString("state")), rs.getObject("desktop_id", UUID.class), rs.getString("reason"),
                instant(rs.getTimestamp("requested_at")), instant(rs.getTimestamp("assigned_at")),
                instant(rs.getTimestamp("connected_at")), instant(rs.getTimestamp("disconnected_at")),
                instant(rs.getTimestamp("ended_at")), null, null);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
