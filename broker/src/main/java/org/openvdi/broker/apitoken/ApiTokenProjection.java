package org.openvdi.broker.apitoken;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.apitoken.api.ApiTokenIssuedEvent;
import org.openvdi.broker.apitoken.api.ApiTokenRevokedEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code api_token} in step with the token events, in the issuing command's transaction. */
@Component
@ProcessingGroup("projections")
class ApiTokenProjection {

    private final JdbcClient jdbc;

    ApiTokenProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ApiTokenIssuedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO api_token (id, user_name, name, token_sha256, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")
                .params(e.tokenId(), e.user(), e.name(), e.tokenSha256(), utc(at), utc(e.expiresAt()))
                .update();
    }

    @EventHandler
    void on(ApiTokenRevokedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE api_token SET revoked_at = ?, revoked_by = ? WHERE id = ?")
                .params(utc(at), e.revokedBy(), e.tokenId()).update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "api_token");
    }
}
