package org.openvdi.broker.demand;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The demand rows one batch reads and writes ({@link DemandBatch}): the request and desktop rows it touched, kept in
 * memory from one read per table, the lead times it found, the counts it adds to buckets and the closed intervals it
 * spreads over them. {@link #flush()} writes them with one statement per table and kind (arrays bound as parameters,
 * expanded by {@code unnest}); the buckets' arithmetic stays in SQL, so it is the same as one event at a time.
 */
final class DemandRows {

    static final class RequestRow {
        final UUID sessionId;
        final UUID poolId;
        final Instant requestedAt;
        UUID desktopId;
        Instant readyAt;
        Boolean warm;
        Long waitMs;
        Instant endedAt;
        boolean failed;

        RequestRow(UUID sessionId, UUID poolId, Instant requestedAt) {
            this.sessionId = sessionId;
            this.poolId = poolId;
            this.requestedAt = requestedAt;
        }
    }

    static final class DesktopRow {
        final UUID desktopId;
        final UUID poolId;
        boolean owned;
        Instant provisioningSince;
        Instant readyAt;
        Instant spareSince;

        DesktopRow(UUID desktopId, UUID poolId, boolean owned, Instant provisioningSince) {
            this.desktopId = desktopId;
            this.poolId = poolId;
            this.owned = owned;
            this.provisioningSince = provisioningSince;
        }
    }

    private record LeadTimeKey(UUID desktopId, Instant readyAt) {
    }

    record BucketKey(UUID poolId, Instant start) {
    }

    private final JdbcClient jdbc;
    private final DemandTables tables;
    private final Map<UUID, RequestRow> requests = new LinkedHashMap<>();
    private final Map<UUID, DesktopRow> desktops = new LinkedHashMap<>();
    private final Set<UUID> sessionsRead = new HashSet<>();
    private final Set<UUID> desktopsRead = new HashSet<>();
    private final Set<UUID> newRequests = new LinkedHashSet<>();
    private final Set<UUID> changedRequests = new LinkedHashSet<>();
    private final Set<UUID> newDesktops = new LinkedHashSet<>();
    private final Set<UUID> changedDesktops = new LinkedHashSet<>();
    private final Map<LeadTimeKey, Object[]> leadTimes = new LinkedHashMap<>();
    private final Map<BucketKey, long[]> counts = new LinkedHashMap<>();
    private final List<Object[]> intervals = new ArrayList<>();

    DemandRows(JdbcClient jdbc, DemandTables tables) {
        this.jdbc = jdbc;
        this.tables = tables;
    }

    /**
     * An instant as a {@code timestamptz} column keeps it when the PostgreSQL driver binds it: rounded to the
     * microsecond, half up. The batch's statements bind these rounded times, so PostgreSQL rounds nothing itself.
     */
    static Instant stored(Instant at) {
        return at == null ? null : Instant.ofEpochSecond(at.getEpochSecond(), (at.getNano() + 500L) / 1000 * 1000);
    }

    /** Reads the rows of these sessions and desktops that exist and are not read yet. */
    void load(Collection<UUID> sessions, Collection<UUID> desktopIds) {
        List<UUID> unreadSessions = sessions.stream().filter(sessionsRead::add).toList();
        if (!unreadSessions.isEmpty()) {
            jdbc.sql("SELECT session_id, pool_id, requested_at, desktop_id, ready_at, warm, wait_ms, ended_at, failed FROM "
                            + tables.request() + " WHERE session_id = ANY(CAST(? AS uuid[]))")
                    .param(texts(unreadSessions, Object::toString))
                    .query((rs, n) -> request(rs)).list().forEach(row -> requests.put(row.sessionId, row));
        }
        List<UUID> unreadDesktops = desktopIds.stream().filter(desktopsRead::add).toList();
        if (!unreadDesktops.isEmpty()) {
            jdbc.sql("SELECT desktop_id, pool_id, owned, provisioning_since, ready_at, spare_since FROM " + tables.desktop()
                            + " WHERE desktop_id = ANY(CAST(? AS uuid[]))")
                    .param(texts(unreadDesktops, Object::toString))
                    .query((rs, n) -> desktop(rs)).list().forEach(row -> desktops.put(row.desktopId, row));
        }
    }

    RequestRow request(UUID sessionId) {
        load(List.of(sessionId), List.of());
        return requests.get(sessionId);
    }

    DesktopRow desktop(UUID desktopId) {
        load(List.of(), List.of(desktopId));
        return desktops.get(desktopId);
    }

    void addRequest(RequestRow row) {
        requests.put(row.sessionId, row);
        newRequests.add(row.sessionId);
    }

    void addDesktop(DesktopRow row) {
        desktops.put(row.desktopId, row);
        newDesktops.add(row.desktopId);
    }

    void changed(RequestRow row) {
        if (!newRequests.contains(row.sessionId)) {
            changedRequests.add(row.sessionId);
        }
    }

    void changed(DesktopRow row) {
        if (!newDesktops.contains(row.desktopId)) {
            changedDesktops.add(row.desktopId);
        }
    }

    /** One provisioning's lead time; the first one of a desktop and READY time counts, as the table's key says. */
    void leadTime(UUID desktopId, UUID poolId, Instant requestedAt, Instant readyAt, long leadMs) {
        leadTimes.putIfAbsent(new LeadTimeKey(desktopId, stored(readyAt)),
                new Object[]{desktopId, poolId, requestedAt, readyAt, leadMs});
    }

    /** Adds to the counts of the bucket of {@code at}. */
    void count(UUID poolId, Instant at, int requests, int warm, int cold, int failed, long coldWaitMs) {
        long[] sums = counts.computeIfAbsent(new BucketKey(poolId, DemandWriter.bucketOf(at)), k -> new long[5]);
        sums[0] += requests;
        sums[1] += warm;
        sums[2] += cold;
        sums[3] += failed;
        sums[4] += coldWaitMs;
    }

    /** A session that held a desktop over [{@code from}, {@code to}). */
    void session(UUID poolId, Instant from, Instant to) {
        interval(poolId, from, to, true);
    }

    /** A READY spare that nobody held over [{@code from}, {@code to}). */
    void spare(UUID poolId, Instant from, Instant to) {
        interval(poolId, from, to, false);
    }

    private void interval(UUID poolId, Instant from, Instant to, boolean session) {
        if (!to.isAfter(from)) {
            return;
        }
        intervals.add(new Object[]{poolId, from, to, DemandWriter.bucketOf(from), DemandWriter.bucketOf(to.minusMillis(1)),
                session});
    }

    /** Writes what this batch changed. */
    void flush() {
        DemandRowWrites writes = new DemandRowWrites(jdbc, tables);
        writes.insertRequests(newRequests.stream().map(requests::get).toList());
        writes.updateRequests(changedRequests.stream().map(requests::get).toList());
        writes.insertDesktops(newDesktops.stream().map(desktops::get).toList());
        writes.updateDesktops(changedDesktops.stream().map(desktops::get).toList());
        writes.insertLeadTimes(List.copyOf(leadTimes.values()));
        writes.addToBuckets(counts, intervals);
    }

    static String[] texts(Collection<?> values, Function<Object, String> text) {
        return values.stream().map(v -> v == null ? null : text.apply(v)).toArray(String[]::new);
    }

    private static RequestRow request(ResultSet rs) throws SQLException {
        RequestRow row = new RequestRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), instant(rs.getTimestamp(3)));
        row.desktopId = rs.getObject(4, UUID.class);
        row.readyAt = instant(rs.getTimestamp(5));
        row.warm = (Boolean) rs.getObject(6);
        row.waitMs = rs.getObject(7) == null ? null : rs.getLong(7);
        row.endedAt = instant(rs.getTimestamp(8));
        row.failed = rs.getBoolean(9);
        return row;
    }

    private static DesktopRow desktop(ResultSet rs) throws SQLException {
        DesktopRow row = new DesktopRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBoolean(3),
                instant(rs.getTimestamp(4)));
        row.readyAt = instant(rs.getTimestamp(5));
        row.spareSince = instant(rs.getTimestamp(6));
        return row;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
