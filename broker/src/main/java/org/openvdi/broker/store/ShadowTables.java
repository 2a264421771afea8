package org.openvdi.broker.store;

import java.time.Duration;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the rebuilds of read models by replay share: a read model rebuilt into shadow tables is compared with the
 * live tables row by row once the live projection has passed the point the replay read up to.
 */
public final class ShadowTables {

    private ShadowTables() {
    }

    /** One table compared: its rows on each side, and the rows only one side has (the first few, as JSON). */
    public record TableComparison(String table, long liveRows, long rebuiltRows, long onlyLive, long onlyRebuilt,
                                  List<String> onlyLiveRows, List<String> onlyRebuiltRows) {

        public boolean identical() {
            return onlyLive == 0 && onlyRebuilt == 0;
        }
    }

    /**
     * Creates {@code shadow} afresh as an unlogged copy of {@code live}'s columns, defaults and constraints, with its
     * primary key and unique indexes (a replay looks rows up and upserts by them) but none of the indexes that only
     * serve queries: a shadow table is only written and then compared, and each such index would cost its replay
     * an index entry per row.
     */
    public static void create(JdbcClient jdbc, String live, String shadow) {
        jdbc.sql("DROP TABLE IF EXISTS " + shadow).update();
        jdbc.sql("CREATE UNLOGGED TABLE " + shadow + " (LIKE " + live + " INCLUDING ALL)").update();
        List<String> queryIndexes = jdbc.sql("SELECT CAST(indexrelid AS regclass) FROM pg_index"
                + " WHERE indrelid = CAST(? AS regclass) AND NOT indisunique").param(shadow).query(String.class).list();
        for (String index : queryIndexes) {
            jdbc.sql("DROP INDEX " + index).update();
        }
    }

    /**
     * Compares a live table with its rebuilt shadow, listing at most {@code listed} rows of each difference. Rows are
     * counted as multisets (as {@code EXCEPT ALL} would): one pass over both tables grouped by every column gives
     * each side's rows and the rows only one side has; the rows are listed only when there are some.
     */
    public static TableComparison compare(JdbcClient jdbc, String live, String rebuilt, int listed) {
        String columns = jdbc.sql("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = CAST(CAST(? AS text) AS regclass) AND attnum > 0 AND NOT attisdropped")
                .param(live).query(String.class).single();
        long[] counts = jdbc.sql("SELECT coalesce(sum(l), 0), coalesce(sum(r), 0), coalesce(sum(greatest(l - r, 0)), 0),"
                + " coalesce(sum(greatest(r - l, 0)), 0) FROM (SELECT count(*) FILTER (WHERE s = 1) AS l,"
                + " count(*) FILTER (WHERE s = 2) AS r FROM (SELECT 1 AS s, " + columns + " FROM " + live
                + " UNION ALL SELECT 2, " + columns + " FROM " + rebuilt + ") u GROUP BY " + columns + ") g")
                .query((row, n) -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)}).single();
        return new TableComparison(live, counts[0], counts[1], counts[2], counts[3],
                counts[2] == 0 ? List.of() : rows(jdbc, live, rebuilt, listed),
                counts[3] == 0 ? List.of() : rows(jdbc, rebuilt, live, listed));
    }

    private static List<String> rows(JdbcClient jdbc, String from, String minus, int listed) {
        return jdbc.sql("SELECT CAST(row_to_json(d) AS text) FROM (SELECT * FROM " + from + " EXCEPT ALL SELECT * FROM "
                + minus + ") d ORDER BY 1 LIMIT " + listed).query(String.class).list();
    }

    /** Waits until the live processor {@code group} has handled every event up to {@code position}; whether it did. */
    public static boolean awaitLive(EventProcessingConfiguration processing, String group, long position, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (livePosition(processing, group) >= position) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** How far the live processor {@code group} has come in the store, over all its segments (-1 before its first event). */
    public static long livePosition(EventProcessingConfiguration processing, String group) {
        return processing.eventProcessor(group, StreamingEventProcessor.class)
                .map(p -> p.processingStatus().values().stream().map(EventTrackerStatus::getCurrentPosition)
                        .mapToLong(pos -> pos.orElse(-1)).min().orElse(-1))
                .orElse(-1L);
    }
}
