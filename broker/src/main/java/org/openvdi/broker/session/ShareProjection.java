package org.openvdi.broker.session;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.session.api.ConnectionTokenRedeemedEvent;
import org.openvdi.broker.session.api.SessionSharedEvent;
import org.openvdi.broker.session.api.ShareExpiredEvent;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.session.api.ShareRevokedEvent;
import org.openvdi.broker.session.api.ShareState;
import org.openvdi.broker.session.api.SharedSessionJoinedEvent;
import org.openvdi.broker.session.api.SharedSessionLeftEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code session_share} in step with the share events, and answers which shares a session has. */
@Component
@ProcessingGroup("projections")
class ShareProjection {

    private final JdbcClient jdbc;

    ShareProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SessionSharedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO session_share (share_id, session_id, token_hash, owner_name, mode, state, viewer_name,
                                           expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (share_id) DO NOTHING""")
                .params(e.shareId(), e.sessionId(), e.tokenHash(), e.by(), e.mode().name(), ShareState.OPEN.name(),
                        e.viewer(), utc(e.expiresAt()), utc(at)).update();
    }

    @EventHandler
    void on(SharedSessionJoinedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE session_share SET state = ?, joined_by = ?, joined_from = ?, joined_at = ?, watching = TRUE
                WHERE share_id = ?""")
                .params(ShareState.JOINED.name(), e.viewer(), e.clientAddress(), utc(at), e.shareId()).update();
    }

    /** A viewer's token redeemed at a gateway: the viewer watches through it (the owner's own redemptions match no share). */
    @EventHandler
    void on(ConnectionTokenRedeemedEvent e) {
        if (e.gatewayId() == null) {
            return;
        }
        jdbc.sql("""
                UPDATE session_share SET watched_through = ?, watching = TRUE
                WHERE session_id = ? AND joined_by = ? AND state = ?""")
                .params(e.gatewayId(), e.sessionId(), e.user(), ShareState.JOINED.name()).update();
    }

    /** A viewer's tunnel closed; one closing on another gateway than the viewer's newest tunnel changes nothing. */
    @EventHandler
    void on(SharedSessionLeftEvent e) {
        jdbc.sql("""
                UPDATE session_share SET watching = FALSE
                WHERE share_id = ? AND (watched_through IS NULL OR watched_through = ?)""")
                .params(e.shareId(), e.gatewayId()).update();
    }

    @EventHandler
    void on(ShareRevokedEvent e, @Timestamp Instant at) {
        end(e.shareId(), ShareState.REVOKED, at);
    }

    @EventHandler
    void on(ShareExpiredEvent e, @Timestamp Instant at) {
        end(e.shareId(), ShareState.EXPIRED, at);
        if (e.sessionEnded()) {
            jdbc.sql("UPDATE session_share SET ended_with_session = TRUE WHERE share_id = ?").param(e.shareId()).update();
        }
    }

    private void end(UUID shareId, ShareState state, Instant at) {
        jdbc.sql("UPDATE session_share SET state = ?, watching = FALSE, ended_at = ? WHERE share_id = ?")
                .params(state.name(), utc(at), shareId).update();
    }

    record Due(UUID sessionId, UUID shareId) {
    }

    /** Shares that still stand (unused or joined) whose time is up at {@code now}. */
    List<Due> dueAt(Instant now) {
        return jdbc.sql("""
                SELECT session_id, share_id FROM session_share WHERE state IN (?, ?) AND expires_at <= ?
                ORDER BY expires_at LIMIT 500""")
                .params(ShareState.OPEN.name(), ShareState.JOINED.name(), utc(now))
                .query((rs, row) -> new Due(rs.getObject("session_id", UUID.class), rs.getObject("share_id", UUID.class)))
                .list();
    }

    /** The session a share link's secret belongs to, by the secret's hash. */
    Optional<UUID> sessionOf(String tokenHash) {
        return jdbc.sql("SELECT session_id FROM session_share WHERE token_hash = ?").param(tokenHash)
                .query(UUID.class).optional();
    }

    Optional<ShareView> find(UUID sessionId, UUID shareId) {
        return jdbc.sql("SELECT * FROM session_share WHERE session_id = ? AND share_id = ?").params(sessionId, shareId)
                .query(ShareProjection::row).optional();
    }

    List<ShareView> of(UUID sessionId) {
        return jdbc.sql("SELECT * FROM session_share WHERE session_id = ? ORDER BY created_at, share_id")
                .param(sessionId).query(ShareProjection::row).list();
    }

    private static ShareView row(ResultSet rs, int row) throws SQLException {
        return new ShareView(rs.getObject("share_id", UUID.class), rs.getObject("session_id", UUID.class),
                rs.getString("owner_name"), ShareMode.valueOf(rs.getString("mode")),
                ShareState.valueOf(rs.getString("state")), rs.getString("viewer_name"), instant(rs, "expires_at"),
                instant(rs, "created_at"), rs.getString("joined_by"), rs.getString("joined_from"),
                instant(rs, "joined_at"), rs.getBoolean("watching"), instant(rs, "ended_at"), null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "session_share");
    }
}
