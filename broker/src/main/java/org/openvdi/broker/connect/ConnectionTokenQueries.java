package org.openvdi.broker.connect;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Finds the session of a presented token by the token's hash. */
@Component
class ConnectionTokenQueries {

    private final JdbcClient jdbc;

    ConnectionTokenQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<IssuedToken> byHash(String tokenHash) {
        return jdbc.sql("SELECT * FROM connection_token WHERE token_hash = ?").param(tokenHash)
                .query(ConnectionTokenQueries::map).optional();
    }

    private static IssuedToken map(ResultSet rs, int row) throws SQLException {
        return new IssuedToken(rs.getString("token_hash"), rs.getObject("token_id", UUID.class),
                rs.getObject("session_id", UUID.class), rs.getString("user_name"),
                rs.getTimestamp("expires_at").toInstant(), rs.getBoolean("redeemed"));
    }
}
