package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.config.EventProcessingConfiguration;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.store.ShadowTables;
import org.openvdi.broker.store.ShadowTables.TableComparison;
import org.openvdi.broker.store.StoredEventReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the audit read models from the event store into shadow tables ({@code audit_*_replay}), with the same
 * writer as the live projection, and compares them with the live tables row by row, while the live tables keep
 * serving. The replay reads up to the store's head as it was when the rebuild began, waits until the live projection
 * has passed that point (at most {@code liveWait}), then compares: an event appended meanwhile shows up as a row only
 * the live tables have. The shadow tables are dropped afterwards; one rebuild runs at a time across brokers.
 */
@Component
public class AuditReplay {

    private static final Logger log = LoggerFactory.getLogger(AuditReplay.class);
    static final String LOCK = "audit-replay";
    /** Rows listed per table and side in a report; the counts are always complete. */
    static final int LISTED = 100;
    /** Events written to the shadow tables at a time (in memory, then a few multi-row statements). */
    static final int BATCH = 10_000;

    private final StoredEventReader reader;
    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final ClusterLock lock;
    private final EventProcessingConfiguration processing;
    private final AuditReads reads;
    private final ObjectMapper json;
    private final Duration liveWait = Duration.ofSeconds(60);

    AuditReplay(StoredEventReader reader, JdbcClient jdbc, JdbcTemplate jdbcTemplate, ClusterLock lock,
                EventProcessingConfiguration processing, AuditReads reads, ObjectMapper json) {
        this.reader = reader;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.lock = lock;
        this.processing = processing;
        this.reads = reads;
        this.json = json;
    }

    /** What a rebuild found: events replayed, how fast, and each table's comparison. */
    public record RebuildReport(long events, long millis, long eventsPerSecond, boolean identical,
                                boolean liveCaughtUp, List<TableComparison> tables) {
    }

    /** Rebuilds and compares on behalf of {@code admin}; the rebuild is recorded as an audit event. */
    public RebuildReport rebuild(String admin) {
        AtomicReference<RebuildReport> report = new AtomicReference<>();
        lock.runExclusively(LOCK, () -> report.set(rebuildLocked()));
        if (report.get() == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "A rebuild of the audit read models is running already");
        }
        reads.record(admin, AuditQueryKind.REBUILD, Map.of("identical", String.valueOf(report.get().identical())),
                AuditReadFormat.PAGE, report.get().events());
        return report.get();
    }

    private RebuildReport rebuildLocked() {
        AuditTables shadow = AuditTables.SHADOW;
        for (String table : AuditTables.LIVE.all()) {
            ShadowTables.create(jdbc, table, table + shadow.suffix());
        }
        AuditLogWriter writer = AuditLogWriter.rebuilding(jdbcTemplate, shadow, json);
        long headPosition = reader.head();
        long started = System.nanoTime();
        long events = reader.read(AuditLogWriter.SELECTION, headPosition, BATCH, writer::write);
        writer.finish();
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        boolean caughtUp = ShadowTables.awaitLive(processing, AuditLogProjection.GROUP, headPosition, liveWait);
        List<TableComparison> tables = new ArrayList<>();
        for (String table : AuditTables.LIVE.all()) {
            tables.add(ShadowTables.compare(jdbc, table, table + shadow.suffix(), LISTED));
        }
        for (String table : AuditTables.LIVE.all()) {
            jdbc.sql("DROP TABLE " + table + shadow.suffix()).update();
        }
        boolean identical = tables.stream().allMatch(TableComparison::identical);
        long perSecond = events * 1000 / millis;
        log.info("Rebuilt the audit read models from {} events in {} ms ({} events/s): {}", events, millis,
                perSecond, identical ? "identical to the live ones" : "DIFFERENT from the live ones");
        return new RebuildReport(events, millis, perSecond, identical, caughtUp, tables);
    }
}
