package org.openvdi.broker.desktop;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.desktop.api.DesktopState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads desktops. */
@Component
public class DesktopQueries {

    private final JdbcClient jdbc;

    DesktopQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<DesktopView> all(UUID poolId, boolean includeDestroyed) {
        String where = (poolId == null ? "TRUE" : "pool_id = :pool") + (includeDestroyed ? "" : " AND state <> 'DESTROYED'");
        var spec = jdbc.sql("SELECT * FROM desktop_view WHERE " + where + " ORDER BY requested_at");
        if (poolId != null) {
            spec = spec.param("pool", poolId);
        }
        return spec.query(DesktopQueries::map).list();
    }

    public Optional<DesktopView> find(UUID id) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE id = ?").param(id).query(DesktopQueries::map).optional();
    }

    public List<DesktopView> inStates(List<DesktopState> states) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE state IN (:states) ORDER BY requested_at")
                .param("states", states.stream().map(Enum::name).toList()).query(DesktopQueries::map).list();
    }

    public List<DesktopView> onHost(UUID hostId) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE host_id = ? AND state <> 'DESTROYED'").param(hostId)
                .query(DesktopQueries::map).list();
    }

    /** Ready, unowned desktops of a pool, oldest first: the spares a session can take. */
    public List<DesktopView> readySpares(UUID poolId) {
        return jdbc.sql("""
                SELECT d.* FROM desktop_view d JOIN host_view h ON h.id = d.host_id
                WHERE d.pool_id = ? AND d.state = 'READY' AND d.owner IS NULL AND h.state = 'UP' ORDER BY d.ready_at""")
                .param(poolId).query(DesktopQueries::map).list();
    }

    /** The persistent desktop a user owns in a pool, if any. */
    public Optional<DesktopView> ownedBy(UUID poolId, String user) {
        // one per user is the rule; should a race ever give a user two, the most usable one is theirs
        return jdbc.sql("""
                        SELECT * FROM desktop_view WHERE pool_id = ? AND owner = ?
                          AND state NOT IN ('DESTROYED', 'FAILED', 'LOST', 'RECYCLING')
                        ORDER BY CASE state WHEN 'READY' THEN 0 WHEN 'POWERED_OFF' THEN 1 WHEN 'ASSIGNED' THEN 3 ELSE 2 END,
                                 requested_at
                        LIMIT 1""")
                .params(poolId, user).query(DesktopQueries::map).optional();
    }

    private static DesktopView map(ResultSet rs, int row) throws SQLException {
        return new DesktopView(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                rs.getObject("host_id", UUID.class), rs.getObject("template_id", UUID.class), rs.getInt("template_version"),
                DesktopState.valueOf(rs.getString("state")), rs.getObject("session_id", UUID.class),
                rs.getString("assigned_user"), rs.getString("owner"), rs.getString("display_host"),
                (Integer) rs.getObject("display_port"), rs.getString("failure_reason"), instant(rs.getTimestamp("requested_at")),
                instant(rs.getTimestamp("ready_at")), instant(rs.getTimestamp("updated_at")));
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
