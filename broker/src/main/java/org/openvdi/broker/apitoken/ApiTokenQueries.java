package org.openvdi.broker.apitoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.openvdi.broker.security.BearerTokens;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads {@code api_token}: the tokens a user has, and who holds a presented token. */
@Component
class ApiTokenQueries implements BearerTokens {

    /** {@code ovdi_} and 32 random bytes in URL-safe Base64 without padding. */
    static final Pattern FORMAT = Pattern.compile("ovdi_[A-Za-z0-9_-]{43}");

    private final JdbcClient jdbc;

    ApiTokenQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A token as its owner sees it: never the token itself. */
    record ApiTokenView(UUID id, String user, String name, Instant createdAt, Instant expiresAt, Instant revokedAt,
                        boolean usable) {
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<Holder> holderOf(String presentedToken) {
        if (!FORMAT.matcher(presentedToken).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        SELECT id, user_name FROM api_token
                         WHERE token_sha256 = ? AND revoked_at IS NULL AND expires_at > now()""")
                .param(sha256(presentedToken))
                .query((rs, n) -> new Holder(rs.getObject("id", UUID.class), rs.getString("user_name")))
                .optional();
    }

    List<ApiTokenView> of(String user) {
        return jdbc.sql("SELECT * FROM api_token WHERE user_name = ? ORDER BY created_at DESC, id").param(user)
                .query((rs, n) -> view(rs)).list();
    }

    Optional<ApiTokenView> find(UUID id) {
        return jdbc.sql("SELECT * FROM api_token WHERE id = ?").param(id).query((rs, n) -> view(rs)).optional();
    }

    private static ApiTokenView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        Instant expires = rs.getTimestamp("expires_at").toInstant();
        java.sql.Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiTokenView(rs.getObject("id", UUID.class), rs.getString("user_name"), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant(), expires, revoked == null ? null : revoked.toInstant(),
                revoked == null && expires.isAfter(Instant.now()));
    }
}
