package org.openvdi.broker.demand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the demand history from the event store into shadow tables ({@code demand_*_replay}) with the same writer
 * as the live projection, and compares them with the live tables row by row while those keep serving. The replay
 * reads up to the store's head as it was when it began, waits (at most a minute) until the live projection has
 * passed that point, then compares. One rebuild runs at a time across brokers.
 */
@Component
public class DemandReplay {

    private static final Logger log = LoggerFactory.getLogger(DemandReplay.class);
    static final String LOCK = "demand-replay";
    static final int LISTED = 50;

    private final EventStorageEngine storage;
    private final JdbcClient jdbc;
    private final ClusterLock lock;
    private final EventProcessingConfiguration processing;
    private final Duration liveWait = Duration.ofSeconds(60);

    DemandReplay(EventStorageEngine storage, JdbcClient jdbc, ClusterLock lock, EventProcessingConfiguration processing) {
        this.storage = storage;
        this.jdbc = jdbc;
        this.lock = lock;
        this.processing = processing;
    }

    /** One table compared: its rows on each side, and the rows only one side has (the first {@value #LISTED}). */
    public record TableComparison(String table, long liveRows, long rebuiltRows, long onlyLive, long onlyRebuilt,
                                  List<String> onlyLiveRows, List<String> onlyRebuiltRows) {
        boolean identical() {
            return onlyLive == 0 && onlyRebuilt == 0;
        }
    }

    /** What a rebuild found. */
    public record RebuildReport(long events, long millis, boolean identical, boolean liveCaughtUp,
                                List<TableComparison> tables) {
    }

    public RebuildReport rebuild() {
        AtomicReference<RebuildReport> report = new AtomicReference<>();
        lock.runExclusively(LOCK, () -> report.set(rebuildLocked()));
        if (report.get() == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "A rebuild of the demand history is running already");
        }
        return report.get();
    }

    private RebuildReport rebuildLocked() {
        List<String> live = DemandTables.LIVE.all();
        List<String> shadow = DemandTables.SHADOW.all();
        for (int i = 0; i < live.size(); i++) {
            jdbc.sql("DROP TABLE IF EXISTS " + shadow.get(i)).update();
            jdbc.sql("CREATE UNLOGGED TABLE " + shadow.get(i) + " (LIKE " + live.get(i) + " INCLUDING ALL)").update();
        }
        DemandWriter writer = new DemandWriter(jdbc, DemandTables.SHADOW);
        TrackingToken head = storage.createHeadToken();
        long headPosition = head == null ? -1 : head.position().orElse(-1);
        AtomicLong events = new AtomicLong();
        long started = System.nanoTime();
        try (Stream<? extends TrackedEventMessage<?>> stream = storage.readEvents(null, false)) {
            stream.takeWhile(e -> e.trackingToken().position().orElse(Long.MAX_VALUE) <= headPosition)
                    .forEach(event -> {
                        writer.write(event);
                        events.incrementAndGet();
                    });
        }
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        boolean caughtUp = awaitLive(headPosition);
        List<TableComparison> tables = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            tables.add(compare(live.get(i), shadow.get(i)));
        }
        shadow.forEach(table -> jdbc.sql("DROP TABLE " + table).update());
        boolean identical = tables.stream().allMatch(TableComparison::identical);
        log.info("Rebuilt the demand history from {} events in {} ms: {}", events.get(), millis,
                identical ? "identical to the live one" : "DIFFERENT from the live one");
        return new RebuildReport(events.get(), millis, identical, caughtUp, tables);
    }

    private TableComparison compare(String live, String rebuilt) {
        return new TableComparison(live, count("SELECT count(*) FROM " + live), count("SELECT count(*) FROM " + rebuilt),
                count("SELECT count(*) FROM (SELECT * FROM " + live + " EXCEPT ALL SELECT * FROM " + rebuilt + ") d"),
                count("SELECT count(*) FROM (SELECT * FROM " + rebuilt + " EXCEPT ALL SELECT * FROM " + live + ") d"),
                rows(live, rebuilt), rows(rebuilt, live));
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private List<String> rows(String from, String minus) {
        return jdbc.sql("SELECT CAST(row_to_json(d) AS text) FROM (SELECT * FROM " + from + " EXCEPT ALL SELECT * FROM "
                + minus + ") d ORDER BY 1 LIMIT " + LISTED).query(String.class).list();
    }

    private boolean awaitLive(long position) {
        long deadline = System.nanoTime() + liveWait.toNanos();
        while (System.nanoTime() < deadline) {
            if (livePosition() >= position) {
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

    /** How far the live projection has come in the store (-1 before its first event). */
    long livePosition() {
        return processing.eventProcessor(DemandProjection.GROUP, StreamingEventProcessor.class)
                .map(p -> p.processingStatus().values().stream().map(EventTrackerStatus::getCurrentPosition)
                        .mapToLong(pos -> pos.orElse(-1)).min().orElse(-1))
                .orElse(-1L);
    }
}
