package org.openvdi.broker.demand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.store.ShadowTables;
import org.openvdi.broker.store.ShadowTables.TableComparison;
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
        List<TrackedEventMessage<?>> chunk = new ArrayList<>();
        try (Stream<? extends TrackedEventMessage<?>> stream = storage.readEvents(null, false)) {
            stream.takeWhile(e -> e.trackingToken().position().orElse(Long.MAX_VALUE) <= headPosition)
                    .forEach(event -> {
                        chunk.add(event);
                        events.incrementAndGet();
                        if (chunk.size() == DemandConfiguration.BATCH_SIZE) {
                            writer.write(chunk);
                            chunk.clear();
                        }
                    });
        }
        writer.write(chunk);
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        boolean caughtUp = ShadowTables.awaitLive(processing, DemandProjection.GROUP, headPosition, liveWait);
        List<TableComparison> tables = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            tables.add(ShadowTables.compare(jdbc, live.get(i), shadow.get(i), LISTED));
        }
        shadow.forEach(table -> jdbc.sql("DROP TABLE " + table).update());
        boolean identical = tables.stream().allMatch(TableComparison::identical);
        log.info("Rebuilt the demand history from {} events in {} ms: {}", events.get(), millis,
                identical ? "identical to the live one" : "DIFFERENT from the live one");
        return new RebuildReport(events.get(), millis, identical, caughtUp, tables);
    }
}
