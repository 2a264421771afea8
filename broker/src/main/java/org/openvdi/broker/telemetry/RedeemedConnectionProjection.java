package org.openvdi.broker.telemetry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.session.api.ConnectionTokenRedeemedEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code telemetry_connection} (connection id hash to session and redeeming gateway) in step with the
 * redemptions, and answers which connection a telemetry record names. Redemptions recorded before connection
 * ids existed carry none and are left out: telemetry about them is refused.
 */
@Component
@ProcessingGroup("projections")
class RedeemedConnectionProjection {

    private final JdbcClient jdbc;

    RedeemedConnectionProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(ConnectionTokenRedeemedEvent e, @Timestamp Instant at) {
        if (e.connectionHash() == null) {
            return;
        }
        jdbc.sql("""
                INSERT INTO telemetry_connection (connection_hash, session_id, gateway_id, redeemed_at)
                VALUES (?, ?, ?, ?) ON CONFLICT (connection_hash) DO NOTHING""")
                .params(e.connectionHash(), e.sessionId(), e.gatewayId(), at.atOffset(ZoneOffset.UTC)).update();
    }

    Optional<RedeemedConnection> find(String connectionHash) {
        return jdbc.sql("SELECT session_id, gateway_id FROM telemetry_connection WHERE connection_hash = ?")
                .param(connectionHash)
                .query((rs, row) -> new RedeemedConnection(rs.getObject("session_id", UUID.class), rs.getString("gateway_id")))
                .optional();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "telemetry_connection");
    }
}
