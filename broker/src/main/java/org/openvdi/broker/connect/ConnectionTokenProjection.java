package org.openvdi.broker.connect;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.session.api.ConnectionTokenIssuedEvent;
import org.openvdi.broker.session.api.ConnectionTokenRedeemedEvent;
import org.openvdi.broker.session.api.ResumeTokenIssuedEvent;
import org.openvdi.broker.session.api.SharedSessionJoinedEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code connection_token} (token hash to session, for connect and resume tokens alike) in step with
 * the session's token events.
 */
@Component
@ProcessingGroup("projections")
class ConnectionTokenProjection {

    private final JdbcClient jdbc;

    ConnectionTokenProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ConnectionTokenIssuedEvent e, @Timestamp Instant at) {
        insert(e.tokenHash(), e.tokenId(), e.sessionId(), e.user(), e.expiresAt(), at);
    }

    @EventHandler
    void on(ResumeTokenIssuedEvent e, @Timestamp Instant at) {
        insert(e.tokenHash(), e.tokenId(), e.sessionId(), e.user(), e.expiresAt(), at);
    }

    /** A viewer's connect token, issued when the viewer opened a share link. */
    @EventHandler
    void on(SharedSessionJoinedEvent e, @Timestamp Instant at) {
        insert(e.tokenHash(), e.tokenId(), e.sessionId(), e.viewer(), e.expiresAt(), at);
    }

    private void insert(String tokenHash, UUID tokenId, UUID sessionId, String user, Instant expiresAt, Instant at) {
        jdbc.sql("""
                INSERT INTO connection_token (token_hash, token_id, session_id, user_name, expires_at, issued_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING""")
                .params(tokenHash, tokenId, sessionId, user, utc(expiresAt), utc(at)).update();
    }

    @EventHandler
    void on(ConnectionTokenRedeemedEvent e) {
        jdbc.sql("UPDATE connection_token SET redeemed = TRUE WHERE token_id = ?").param(e.tokenId()).update();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "connection_token");
    }
}
