package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.session.api.ShareState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the gateways are told about shared sessions, from {@code session_share}: which viewers are to be cut off (their
 * share withdrawn, run out or ended with the session, or the owner not connected), and who watches through which
 * gateway.
 */
@Component
public class ShareQueries {

    /** Why a viewer's share no longer lets them watch. */
    public enum CutCause {
        REVOKED, EXPIRED, SESSION_ENDED, OWNER_ABSENT
    }

    /**
     * A viewer to cut off.
     *
     * @param since when the share ended, or when the owner disconnected
     */
    public record ViewerToCut(UUID sessionId, UUID shareId, String viewer, CutCause cause, Instant since) {
    }

    /** A viewer who watches a session through a gateway. */
    public record Watcher(String viewer, ShareMode mode, String gatewayId) {
    }

    private final JdbcClient jdbc;

    ShareQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The viewers of these sessions whose share ended since {@code since}, each with that share: the viewer's tunnels
     * through it are cut even when the same viewer joined through another link that stands (those tunnels stay), and
     * the viewers of every joined share whose owner is not connected now.
     */
    public List<ViewerToCut> viewersToCut(Collection<UUID> sessions, Instant since) {
        if (sessions.isEmpty()) {
            return List.of();
        }
        List<ViewerToCut> cut = new ArrayList<>(jdbc.sql("""
                SELECT s.session_id, s.share_id, s.joined_by, s.state, s.ended_with_session, s.ended_at
                FROM session_share s
                WHERE s.session_id IN (:sessions) AND s.joined_by IS NOT NULL AND s.state IN (:ended)
                  AND s.ended_at >= :since
                ORDER BY s.ended_at, s.share_id""")
                .param("sessions", sessions)
                .param("ended", List.of(ShareState.REVOKED.name(), ShareState.EXPIRED.name()))
                .param("since", utc(since))
                .query((rs, row) -> new ViewerToCut(rs.getObject("session_id", UUID.class),
                        rs.getObject("share_id", UUID.class), rs.getString("joined_by"),
                        ShareState.valueOf(rs.getString("state")) == ShareState.REVOKED ? CutCause.REVOKED
                                : rs.getBoolean("ended_with_session") ? CutCause.SESSION_ENDED : CutCause.EXPIRED,
                        rs.getObject("ended_at", OffsetDateTime.class).toInstant()))
                .list());
        cut.addAll(jdbc.sql("""
                SELECT s.session_id, s.share_id, s.joined_by, v.disconnected_at
                FROM session_share s JOIN session_view v ON v.id = s.session_id
                WHERE s.session_id IN (:sessions) AND s.state = :joined AND v.state = :disconnected
                ORDER BY s.share_id""")
                .param("sessions", sessions).param("joined", ShareState.JOINED.name())
                .param("disconnected", SessionState.DISCONNECTED.name())
                .query((rs, row) -> {
                    OffsetDateTime at = rs.getObject("disconnected_at", OffsetDateTime.class);
                    return new ViewerToCut(rs.getObject("session_id", UUID.class), rs.getObject("share_id", UUID.class),
                            rs.getString("joined_by"), CutCause.OWNER_ABSENT, at == null ? Instant.EPOCH : at.toInstant());
                })
                .list());
        return cut;
    }

    /**
     * Who watches each of these sessions now, with the gateway of the viewer's newest tunnel; a session that was ever
     * joined is in the answer even when nobody watches it now (an empty list), one never joined is not.
     */
    public Map<UUID, List<Watcher>> watchers(Collection<UUID> sessions) {
        Map<UUID, List<Watcher>> bySession = new LinkedHashMap<>();
        if (sessions.isEmpty()) {
            return bySession;
        }
        jdbc.sql("""
                SELECT session_id, joined_by, mode, state, watching, watched_through FROM session_share
                WHERE session_id IN (:sessions) AND joined_by IS NOT NULL ORDER BY joined_at, share_id""")
                .param("sessions", sessions)
                .query((rs, row) -> {
                    List<Watcher> list = bySession.computeIfAbsent(rs.getObject("session_id", UUID.class),
                            id -> new ArrayList<>());
                    String through = rs.getString("watched_through");
                    if (ShareState.valueOf(rs.getString("state")) == ShareState.JOINED && rs.getBoolean("watching")
                            && through != null) {
                        list.add(new Watcher(rs.getString("joined_by"), ShareMode.valueOf(rs.getString("mode")), through));
                    }
                    return row;
                }).list();
        return bySession;
    }
}
