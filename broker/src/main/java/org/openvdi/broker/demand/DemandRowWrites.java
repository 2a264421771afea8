package org.openvdi.broker.demand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openvdi.broker.demand.DemandRows.BucketKey;
import org.openvdi.broker.demand.DemandRows.DesktopRow;
import org.openvdi.broker.demand.DemandRows.RequestRow;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements that write one batch's demand rows: one per table and kind, each with its rows bound as arrays (text
 * arrays cast to their column types) and expanded by {@code unnest}. None runs when it has no rows.
 */
final class DemandRowWrites {

    private final JdbcClient jdbc;
    private final DemandTables tables;

    DemandRowWrites(JdbcClient jdbc, DemandTables tables) {
        this.jdbc = jdbc;
        this.tables = tables;
    }

    void insertRequests(List<RequestRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO " + tables.request()
                        + " (session_id, pool_id, requested_at, desktop_id, ready_at, warm, wait_ms, ended_at, failed)"
                        + " SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS timestamptz[]),"
                        + " CAST(? AS uuid[]), CAST(? AS timestamptz[]), CAST(? AS boolean[]), CAST(? AS bigint[]),"
                        + " CAST(? AS timestamptz[]), CAST(? AS boolean[])) ON CONFLICT DO NOTHING")
                .params(column(rows, r -> r.sessionId), column(rows, r -> r.poolId), column(rows, r -> r.requestedAt),
                        column(rows, r -> r.desktopId), column(rows, r -> r.readyAt), column(rows, r -> r.warm),
                        column(rows, r -> r.waitMs), column(rows, r -> r.endedAt), column(rows, r -> r.failed))
                .update();
    }

    void updateRequests(List<RequestRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE " + tables.request() + " r SET desktop_id = u.desktop_id, ready_at = u.ready_at, warm = u.warm,"
                        + " wait_ms = u.wait_ms, ended_at = u.ended_at, failed = u.failed"
                        + " FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS timestamptz[]), CAST(? AS boolean[]),"
                        + " CAST(? AS bigint[]), CAST(? AS timestamptz[]), CAST(? AS boolean[]))"
                        + " AS u(session_id, desktop_id, ready_at, warm, wait_ms, ended_at, failed)"
                        + " WHERE r.session_id = u.session_id")
                .params(column(rows, r -> r.sessionId), column(rows, r -> r.desktopId), column(rows, r -> r.readyAt),
                        column(rows, r -> r.warm), column(rows, r -> r.waitMs), column(rows, r -> r.endedAt),
                        column(rows, r -> r.failed))
                .update();
    }

    void insertDesktops(List<DesktopRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO " + tables.desktop()
                        + " (desktop_id, pool_id, owned, provisioning_since, ready_at, spare_since)"
                        + " SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS boolean[]),"
                        + " CAST(? AS timestamptz[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))"
                        + " ON CONFLICT DO NOTHING")
                .params(column(rows, r -> r.desktopId), column(rows, r -> r.poolId), column(rows, r -> r.owned),
                        column(rows, r -> r.provisioningSince), column(rows, r -> r.readyAt), column(rows, r -> r.spareSince))
                .update();
    }

    void updateDesktops(List<DesktopRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE " + tables.desktop() + " d SET owned = u.owned, provisioning_since = u.provisioning_since,"
                        + " ready_at = u.ready_at, spare_since = u.spare_since"
                        + " FROM unnest(CAST(? AS uuid[]), CAST(? AS boolean[]), CAST(? AS timestamptz[]),"
                        + " CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))"
                        + " AS u(desktop_id, owned, provisioning_since, ready_at, spare_since)"
                        + " WHERE d.desktop_id = u.desktop_id")
                .params(column(rows, r -> r.desktopId), column(rows, r -> r.owned), column(rows, r -> r.provisioningSince),
                        column(rows, r -> r.readyAt), column(rows, r -> r.spareSince))
                .update();
    }

    /** Rows of desktop id, pool id, requested at, ready at, lead milliseconds. */
    void insertLeadTimes(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql("INSERT INTO " + tables.leadTime() + " (desktop_id, pool_id, requested_at, ready_at, lead_ms)"
                        + " SELECT * FROM unnest(CAST(? AS uuid[]), CAST(? AS uuid[]), CAST(? AS timestamptz[]),"
                        + " CAST(? AS timestamptz[]), CAST(? AS bigint[])) ON CONFLICT DO NOTHING")
                .params(column(rows, r -> r[0]), column(rows, r -> r[1]), column(rows, r -> r[2]), column(rows, r -> r[3]),
                        column(rows, r -> r[4]))
                .update();
    }

    /**
     * Adds the counts per bucket, and spreads each interval (pool, from, to, first bucket, last bucket, whether a
     * session) over every bucket it overlaps: one to its count and the overlap in milliseconds, rounded by the same
     * expression as always, then summed per bucket.
     */
    void addToBuckets(Map<BucketKey, long[]> counts, List<Object[]> intervals) {
        if (counts.isEmpty() && intervals.isEmpty()) {
            return;
        }
        List<BucketKey> keys = new ArrayList<>(counts.keySet());
        jdbc.sql("INSERT INTO " + tables.bucket() + " AS b (pool_id, bucket_start, requests, warm_hits, cold_starts, failed,"
                        + " cold_wait_ms, sessions, session_ms, spares, idle_spare_ms)"
                        + " SELECT pool_id, bucket_start, CAST(sum(requests) AS INTEGER), CAST(sum(warm_hits) AS INTEGER),"
                        + " CAST(sum(cold_starts) AS INTEGER), CAST(sum(failed) AS INTEGER), CAST(sum(cold_wait_ms) AS BIGINT),"
                        + " CAST(sum(sessions) AS INTEGER), CAST(sum(session_ms) AS BIGINT), CAST(sum(spares) AS INTEGER),"
                        + " CAST(sum(idle_spare_ms) AS BIGINT) FROM ("
                        + " SELECT c.pool_id, c.bucket_start, c.requests, c.warm_hits, c.cold_starts, c.failed, c.cold_wait_ms,"
                        + " CAST(0 AS BIGINT) AS sessions, CAST(0 AS BIGINT) AS session_ms, CAST(0 AS BIGINT) AS spares,"
                        + " CAST(0 AS BIGINT) AS idle_spare_ms"
                        + " FROM unnest(CAST(? AS uuid[]), CAST(? AS timestamptz[]), CAST(? AS bigint[]), CAST(? AS bigint[]),"
                        + " CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]))"
                        + " AS c(pool_id, bucket_start, requests, warm_hits, cold_starts, failed, cold_wait_ms)"
                        + " UNION ALL"
                        + " SELECT i.pool_id, s, 0, 0, 0, 0, 0,"
                        + " CASE WHEN i.session THEN 1 ELSE 0 END, CASE WHEN i.session THEN i.ms ELSE 0 END,"
                        + " CASE WHEN i.session THEN 0 ELSE 1 END, CASE WHEN i.session THEN 0 ELSE i.ms END"
                        + " FROM unnest(CAST(? AS uuid[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]),"
                        + " CAST(? AS timestamptz[]), CAST(? AS timestamptz[]), CAST(? AS boolean[]))"
                        + " AS v(pool_id, from_at, to_at, first_bucket, last_bucket, session)"
                        + " CROSS JOIN LATERAL generate_series(v.first_bucket, v.last_bucket, interval '5 minutes') s"
                        + " CROSS JOIN LATERAL (SELECT v.pool_id, v.session, CAST(ROUND(EXTRACT(EPOCH FROM"
                        + " (LEAST(s + interval '5 minutes', v.to_at) - GREATEST(s, v.from_at))) * 1000) AS BIGINT) AS ms) i"
                        + ") x GROUP BY pool_id, bucket_start"
                        + " ON CONFLICT (pool_id, bucket_start) DO UPDATE SET requests = b.requests + EXCLUDED.requests,"
                        + " warm_hits = b.warm_hits + EXCLUDED.warm_hits, cold_starts = b.cold_starts + EXCLUDED.cold_starts,"
                        + " failed = b.failed + EXCLUDED.failed, cold_wait_ms = b.cold_wait_ms + EXCLUDED.cold_wait_ms,"
                        + " sessions = b.sessions + EXCLUDED.sessions, session_ms = b.session_ms + EXCLUDED.session_ms,"
                        + " spares = b.spares + EXCLUDED.spares, idle_spare_ms = b.idle_spare_ms + EXCLUDED.idle_spare_ms")
                .params(column(keys, BucketKey::poolId), column(keys, BucketKey::start),
                        column(keys, k -> counts.get(k)[0]), column(keys, k -> counts.get(k)[1]),
                        column(keys, k -> counts.get(k)[2]), column(keys, k -> counts.get(k)[3]),
                        column(keys, k -> counts.get(k)[4]),
                        column(intervals, v -> v[0]), column(intervals, v -> v[1]), column(intervals, v -> v[2]),
                        column(intervals, v -> v[3]), column(intervals, v -> v[4]), column(intervals, v -> v[5]))
                .update();
    }

    /** One column of rows as a text array (an instant in ISO-8601, rounded as the driver rounds it). */
    private static <T> String[] column(List<T> rows, Function<T, Object> value) {
        String[] texts = new String[rows.size()];
        for (int i = 0; i < texts.length; i++) {
            Object v = value.apply(rows.get(i));
            texts[i] = v == null ? null : v instanceof Instant at ? DemandRows.stored(at).toString() : v.toString();
        }
        return texts;
    }
}
