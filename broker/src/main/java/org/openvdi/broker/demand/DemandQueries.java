package org.openvdi.broker.demand;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads the demand history. Sessions and spares still open at {@code now} are added to the buckets they overlap
 * (the stored rows hold only closed intervals, so that they depend on the events alone).
 */
@Component
public class DemandQueries {

    public static final Duration BUCKET = DemandWriter.BUCKET;
    /** How many of a pool's latest provisionings its lead time estimate is the median of. */
    public static final int LEAD_TIME_SAMPLES = 100;

    private final JdbcClient jdbc;

    DemandQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every five-minute bucket of one pool from {@code from} (rounded down) to {@code to}, oldest first. */
    public List<DemandBucket> buckets(UUID poolId, Instant from, Instant to, Instant now) {
        Instant first = DemandWriter.bucketOf(from);
        Map<Instant, long[]> rows = new TreeMap<>();
        jdbc.sql("""
                SELECT bucket_start, requests, warm_hits, cold_starts, failed, cold_wait_ms, sessions, spares, idle_spare_ms
                FROM demand_bucket WHERE pool_id = ? AND bucket_start >= ? AND bucket_start < ?""")
                .params(poolId, utc(first), utc(to))
                .query((rs, row) -> rows.put(rs.getTimestamp(1).toInstant(), new long[]{rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)}))
                .list();
        Map<Instant, List<Long>> leads = new HashMap<>();
        leadTimes(poolId, first, to).forEach(lead -> leads.computeIfAbsent(
                DemandWriter.bucketOf(lead.requestedAt().plusMillis(lead.millis())), b -> new ArrayList<>()).add(lead.millis()));
        Map<Instant, long[]> open = openIntervals(poolId, first, to, now);
        List<DemandBucket> buckets = new ArrayList<>();
        for (Instant b = first; b.isBefore(to); b = b.plus(BUCKET)) {
            long[] r = rows.getOrDefault(b, new long[8]);
            long[] o = open.getOrDefault(b, new long[3]);
            List<Long> lead = leads.getOrDefault(b, List.of());
            buckets.add(new DemandBucket(b, (int) r[0], (int) r[1], (int) r[2], (int) r[3], r[4], (int) (r[5] + o[0]),
                    (int) (r[6] + o[1]), (r[7] + o[2]) / 60_000.0, percentile(lead, 50), percentile(lead, 95)));
        }
        return buckets;
    }

    /** Per bucket: open sessions, open spares, open spare milliseconds, up to {@code now}. */
    private Map<Instant, long[]> openIntervals(UUID poolId, Instant first, Instant to, Instant now) {
        Map<Instant, long[]> open = new HashMap<>();
        List<Instant> sessions = jdbc.sql("SELECT ready_at FROM demand_request WHERE pool_id = ? AND ready_at IS NOT NULL"
                        + " AND ended_at IS NULL AND ready_at < ?").params(poolId, utc(to))
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
        List<Instant> spares = jdbc.sql("SELECT spare_since FROM demand_desktop WHERE pool_id = ? AND spare_since IS NOT NULL"
                        + " AND spare_since < ?").params(poolId, utc(to))
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list();
        Instant end = now.isBefore(to) ? now : to;
        sessions.forEach(since -> overlap(open, since, end, first, 0, -1));
        spares.forEach(since -> overlap(open, since, end, first, 1, 2));
        return open;
    }

    private static void overlap(Map<Instant, long[]> open, Instant since, Instant end, Instant first, int count, int millis) {
        Instant from = since.isBefore(first) ? first : since;
        for (Instant b = DemandWriter.bucketOf(from); b.isBefore(end); b = b.plus(BUCKET)) {
            long[] o = open.computeIfAbsent(b, k -> new long[3]);
            o[count]++;
            if (millis >= 0) {
                Instant a = from.isAfter(b) ? from : b;
                Instant z = end.isBefore(b.plus(BUCKET)) ? end : b.plus(BUCKET);
                o[millis] += Duration.between(a, z).toMillis();
            }
        }
    }

    /** Hours of demand, oldest first, from the hour {@code hours - 1} before {@code now}'s to {@code now}'s. */
    public List<HourOfDemand> hourly(List<UUID> poolIds, int hours, Instant now) {
        Instant lastHour = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), 3_600_000L) * 3_600_000L);
        Instant from = lastHour.minus(Duration.ofHours(hours - 1L));
        Instant to = lastHour.plus(Duration.ofHours(1));
        int[][] sums = new int[hours][5];
        int[][] concurrent = new int[hours][12];
        double[] idle = new double[hours];
        for (UUID poolId : poolIds) {
            for (DemandBucket b : buckets(poolId, from, to, now)) {
                int h = (int) Duration.between(from, b.start()).toHours();
                int[] s = sums[h];
                s[0] += b.requests();
                s[1] += b.failed();
                s[2] += b.warmHits();
                s[3] += b.coldStarts();
                concurrent[h][(int) (Duration.between(from, b.start()).toMinutes() % 60 / 5)] += b.sessions();
                idle[h] += b.idleSpareMinutes();
            }
        }
        List<HourOfDemand> answer = new ArrayList<>();
        for (int h = 0; h < hours; h++) {
            int peak = 0;
            for (int c : concurrent[h]) {
                peak = Math.max(peak, c);
            }
            answer.add(new HourOfDemand(from.plus(Duration.ofHours(h)), sums[h][0], sums[h][1], sums[h][2], sums[h][3],
                    peak, Math.round(idle[h] * 10) / 10.0));
        }
        return answer;
    }

    /** The recorded requests of one pool made in [{@code from}, {@code to}), oldest first. */
    public List<RecordedRequest> requests(UUID poolId, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT session_id, requested_at, ready_at, warm, wait_ms, ended_at, failed FROM demand_request
                WHERE pool_id = ? AND requested_at >= ? AND requested_at < ? ORDER BY requested_at, session_id""")
                .params(poolId, utc(from), utc(to))
                .query((rs, row) -> new RecordedRequest(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(),
                        instant(rs.getTimestamp(3)), (Boolean) rs.getObject(4), (Long) rs.getObject(5),
                        instant(rs.getTimestamp(6)), rs.getBoolean(7)))
                .list();
    }

    /** The lead times of one pool's provisionings that became READY in [{@code from}, {@code to}). */
    public List<LeadTime> leadTimes(UUID poolId, Instant from, Instant to) {
        return jdbc.sql("SELECT requested_at, lead_ms FROM demand_lead_time WHERE pool_id = ? AND ready_at >= ? AND ready_at < ?"
                        + " ORDER BY ready_at, desktop_id")
                .params(poolId, utc(from), utc(to))
                .query((rs, row) -> new LeadTime(rs.getTimestamp(1).toInstant(), rs.getLong(2))).list();
    }

    /** Requests per {@code step} from {@code from} to {@code to} (a whole number of steps), oldest first. */
    public double[] requestCounts(UUID poolId, Instant from, Instant to, Duration step) {
        int n = (int) (Duration.between(from, to).toMillis() / step.toMillis());
        double[] counts = new double[Math.max(0, n)];
        jdbc.sql("SELECT requested_at FROM demand_request WHERE pool_id = ? AND requested_at >= ? AND requested_at < ?")
                .params(poolId, utc(from), utc(from.plus(step.multipliedBy(n))))
                .query((rs, row) -> rs.getTimestamp(1).toInstant()).list()
                .forEach(at -> counts[(int) (Duration.between(from, at).toMillis() / step.toMillis())]++);
        return counts;
    }

    /**
     * The median lead time of the pool's last {@value #LEAD_TIME_SAMPLES} provisionings that became READY before
     * {@code before}; empty when none has.
     */
    public Optional<Duration> medianLeadTime(UUID poolId, Instant before) {
        List<Long> last = jdbc.sql("SELECT lead_ms FROM demand_lead_time WHERE pool_id = ? AND ready_at < ?"
                        + " ORDER BY ready_at DESC LIMIT " + LEAD_TIME_SAMPLES)
                .params(poolId, utc(before)).query(Long.class).list();
        return Optional.ofNullable(percentile(last, 50)).map(Duration::ofMillis);
    }

    /** Every pool with a recorded request. */
    public List<UUID> pools() {
        return jdbc.sql("SELECT DISTINCT pool_id FROM demand_request ORDER BY pool_id").query(UUID.class).list();
    }

    /** When the pool's first recorded request was made. */
    public Optional<Instant> firstRequest(UUID poolId) {
        return jdbc.sql("SELECT min(requested_at) FROM demand_request WHERE pool_id = ?").param(poolId)
                .query((rs, row) -> instant(rs.getTimestamp(1))).optional().filter(java.util.Objects::nonNull);
    }

    /** The {@code p}th percentile (nearest rank) of {@code values}, null when there are none. */
    public static Long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
