package org.openvdi.broker.telemetry;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.contract.NoticePoll;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which tunnels a gateway really carries: a tunnel counts when its connection id was handed out at a redemption of
 * its session by that same gateway. Others (forged, or another gateway's) are left out, so that nobody learns about
 * a session by naming it.
 */
@Component
public class RedeemedConnections {

    private final JdbcClient jdbc;

    RedeemedConnections(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The sessions of {@code tunnels} whose connection id this gateway redeemed for that session. */
    public Set<UUID> sessionsCarriedBy(String gatewayId, List<NoticePoll.Tunnel> tunnels) {
        if (tunnels.isEmpty()) {
            return Set.of();
        }
        Map<String, UUID> claimed = tunnels.stream().collect(Collectors.toMap(
                t -> ConnectionToken.hashOf(t.connectionId()), NoticePoll.Tunnel::sessionId, (a, b) -> a));
        Set<UUID> carried = new HashSet<>();
        jdbc.sql("""
                SELECT connection_hash, session_id FROM telemetry_connection
                WHERE connection_hash IN (:hashes) AND gateway_id = :gateway""")
                .param("hashes", claimed.keySet()).param("gateway", gatewayId)
                .query((rs, row) -> {
                    UUID session = rs.getObject("session_id", UUID.class);
                    if (session.equals(claimed.get(rs.getString("connection_hash")))) {
                        carried.add(session);
                    }
                    return session;
                }).list();
        return carried;
    }
}
