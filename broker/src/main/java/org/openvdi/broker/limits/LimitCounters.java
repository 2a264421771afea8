package org.openvdi.broker.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The windowed counters in {@code limit_counter}, shared by every broker on the database. Each hit is one
 * atomic upsert; the row lock it takes serializes concurrent hits on the same subject, so none is lost and a
 * ban starts exactly once. Times come from PostgreSQL's clock, the one clock all brokers share.
 */
@Component
class LimitCounters {

    /** How many hits a subject has in its current window, and when that window ends. */
    record Count(int hits, long secondsLeft) {
    }

    /** A ban that this failure started. */
    record Ban(int failures, Instant until) {
    }

    private static final String WINDOW = "(CAST(:windowMs AS float8) * interval '1 millisecond')";
    private static final String EXPIRED = "c.window_start + " + WINDOW + " <= now()";
    private static final String HIT = """
            INSERT INTO limit_counter AS c (kind, subject, window_start, hits, expires_at)
            VALUES (:kind, :subject, now(), 1, now() + %1$s)
            ON CONFLICT (kind, subject) DO UPDATE SET
                hits = CASE WHEN %2$s THEN 1 ELSE c.hits + 1 END,
                window_start = CASE WHEN %2$s THEN now() ELSE c.window_start END,
                expires_at = greatest(c.banned_until, CASE WHEN %2$s THEN now() ELSE c.window_start END + %1$s)
            RETURNING hits, greatest(1, ceil(extract(epoch FROM window_start + %1$s - now())))::bigint AS seconds_left
            """.formatted(WINDOW, EXPIRED);
    private static final String BAN = """
            UPDATE limit_counter SET banned_until = now() + %1$s, expires_at = greatest(expires_at, now() + %1$s)
            WHERE kind = :kind AND subject = :subject AND (banned_until IS NULL OR banned_until <= now())
            RETURNING banned_until
            """.formatted(WINDOW.replace("windowMs", "banMs"));

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    LimitCounters(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jdbc = new NamedParameterJdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Counts one hit; a window that is over starts again at this hit. */
    Count hit(LimitKind kind, String subject, Duration window) {
        return jdbc.queryForObject(HIT, params(kind, subject).addValue("windowMs", window.toMillis()),
                (rs, row) -> new Count(rs.getInt("hits"), rs.getLong("seconds_left")));
    }

    /**
     * Counts one failure; when it is the {@code maxFailures}th or later of its window and no ban is in force,
     * a ban starts, once, whatever other brokers do at the same moment.
     */
    Optional<Ban> failure(LimitKind kind, String subject, LimitsProperties.SignIn settings) {
        return transactions.execute(status -> {
            Count count = hit(kind, subject, settings.window());
            if (count.hits() < settings.maxFailures()) {
                return Optional.<Ban>empty();
            }
            List<Timestamp> until = jdbc.queryForList(BAN,
                    params(kind, subject).addValue("banMs", settings.ban().toMillis()), Timestamp.class);
            return until.stream().findFirst().map(t -> new Ban(count.hits(), t.toInstant()));
        });
    }

    /** Seconds until the latest ban in force on any of these subjects ends, if one is. */
    Optional<Long> banned(LimitKind kind, String subject, LimitKind otherKind, String otherSubject) {
        Long seconds = jdbc.queryForObject("""
                SELECT ceil(extract(epoch FROM max(banned_until) - now()))::bigint FROM limit_counter
                WHERE ((kind = :kind AND subject = :subject) OR (kind = :otherKind AND subject = :otherSubject))
                  AND banned_until > now()
                """, params(kind, subject).addValue("otherKind", otherKind.name()).addValue("otherSubject", otherSubject),
                Long.class);
        return Optional.ofNullable(seconds).map(s -> Math.max(1, s));
    }

    /** Seconds until a ban in force on this subject ends, if one is. */
    Optional<Long> banned(LimitKind kind, String subject) {
        return banned(kind, subject, kind, subject);
    }

    /** Forgets the failures of this subject, unless a ban is in force on it; nothing to do when it has none. */
    void reset(LimitKind kind, String subject) {
        jdbc.update("""
                DELETE FROM limit_counter
                WHERE kind = :kind AND subject = :subject AND (banned_until IS NULL OR banned_until <= now())
                """, params(kind, subject));
    }

    /** Deletes the rows whose window and ban are both over; answers how many. */
    int purgeExpired() {
        return jdbc.update("DELETE FROM limit_counter WHERE expires_at < now()", new MapSqlParameterSource());
    }

    /** A user name as stored: the hex SHA-256 of its UTF-8 bytes, 64 characters whatever its length. */
    static String nameKey(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A client address as stored: at most 64 characters. */
    static String addressKey(String address) {
        String value = address == null ? "unknown" : address;
        return value.length() <= 64 ? value : value.substring(0, 64);
    }

    private static MapSqlParameterSource params(LimitKind kind, String subject) {
        return new MapSqlParameterSource("kind", kind.name()).addValue("subject", subject);
    }
}
