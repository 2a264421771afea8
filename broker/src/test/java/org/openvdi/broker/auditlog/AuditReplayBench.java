package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * In the bench profile ({@code ./vdi bench replay}; too slow for the default run on a shared 2-core machine): replay
 * into the audit read models on a generated history of {@code -Dbench.replay.sessions} (126,000: about 1,000,000
 * events) sessions of real serialized events, in the broker's durable PostgreSQL event store. Measures:
 * <ul>
 *   <li>the live pooled processor {@code audit-log} following the appends, then catching up again from the first event
 *   after a reset of its token (a new broker, or a rebuild of the live tables);</li>
 *   <li>the rebuild into shadow tables ({@code ./vdi audit rebuild}), which must agree with the live tables row for
 *   row.</li>
 * </ul>
 * Printed and written to {@code target/bench/audit-replay.md}.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.test.scenario=audit-replay-bench", "openvdi.embedded-postgres.durable=true"})
class AuditReplayBench {

    private final int sessions = Integer.getInteger("bench.replay.sessions", 126_000);

    @Autowired
    EventStorageEngine storage;
    @Autowired
    AuditReplay replay;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void givenAMillionEvents_whenReplayed_thenReportEventsPerSecond() throws IOException {
        String loadBefore = load();
        ReplayEquivalence.Timings timings = ReplayEquivalence.check(storage, replay, jdbc, sessions, 7L * sessions,
                Duration.ofMinutes(60));
        String loadAfterRebuild = load();
        // the rebuild again, on the quiet store, timed with the CPU it costs this JVM and its PostgreSQL: once every
        // streaming processor has handled the history (the processes react to it with commands and events of their
        // own, whose CPU would otherwise be counted as the rebuild's)
        boolean settled = settle(Duration.ofMinutes(3));
        String loadBeforeSecond = load();
        CpuLedger secondLedger = CpuLedger.start(postmaster());
        AuditReplay.RebuildReport second = replay.rebuild("admin");
        CpuLedger.Spent secondSpent = secondLedger.stop(second.events());
        double secondCpu = secondSpent.total();
        // what the rebuild's comparison alone costs: each live table compared with itself, as with its shadow
        CpuLedger compareLedger = CpuLedger.start(postmaster());
        for (String table : AuditTables.LIVE.all()) {
            org.openvdi.broker.store.ShadowTables.compare(jdbc, table, table, AuditReplay.LISTED);
        }
        CpuLedger.Spent compareSpent = compareLedger.stop(second.events());
        String loadAfterSecond = load();
        assertThat(second.identical()).isTrue();

        StreamingEventProcessor live = processing.eventProcessor(AuditLogProjection.GROUP, StreamingEventProcessor.class)
                .orElseThrow();
        long head = jdbc.sql("SELECT max(globalindex) FROM domainevententry").query(Long.class).single();
        long stored = jdbc.sql("SELECT count(*) FROM domainevententry").query(Long.class).single();
        live.shutDown();
        live.resetTokens();
        String loadBeforeCatchUp = load();
        CpuLedger catchUpLedger = CpuLedger.start(postmaster());
        long started = System.nanoTime();
        live.start();
        await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(200)).until(() -> position(live) >= head);
        double catchUp = (System.nanoTime() - started) / 1e9;
        CpuLedger.Spent catchUpSpent = catchUpLedger.stop(stored);
        double catchUpCpu = catchUpSpent.total();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_session").query(Long.class).single()).isGreaterThanOrEqualTo(sessions);

        AuditReplay.RebuildReport rebuild = timings.rebuild();
        String report = String.format(Locale.ROOT, """
                # Replay into the audit read models

                - %,d sessions, %,d events of real serialized domain events (8 per session, a few of the estate) in the
                  broker's durable embedded PostgreSQL (fsync, synchronous_commit, full_page_writes on)
                - machine: %d logical CPUs; load average (1, 5, 15 min) %s before, %s after the rebuild, %s at the end

                | step | events | seconds | events/s |
                |---|---:|---:|---:|
                | append (AuditHistory: JDBC storage engine, 1,000 events per append) | %,d | %.1f | %,.0f |
                | live processor `audit-log` following the appends (from their start until it caught up) | %,d | %.1f | %,.0f |
                | live processor `audit-log` catching up from the first event after a token reset | %,d | %.1f | **%,.0f** |
                | rebuild into shadow tables (`./vdi audit rebuild`), rows identical: %s | %,d | %.1f | **%,d** |

                Every streaming processor had handled every event before the second rebuild: %s.

                | step, on the quiet store | events | seconds | events/s | load average before, after | CPU s per million events (JVM + PostgreSQL) |
                |---|---:|---:|---:|---|---:|
                | rebuild again, rows identical: %s | %,d | %.1f | **%,d** | %s, %s | %.1f |
                | live processor `audit-log` catching up after a token reset | %,d | %.1f | **%,.0f** | %s, %s | %.1f |

                Where the second rebuild's CPU went (JVM %.1f s, PostgreSQL %.1f s per million events; its comparison
                of the tables alone, measured again after it: JVM %.1f s, PostgreSQL %.1f s per million events):

                %s
                Where the catch-up's CPU went (JVM %.1f s, PostgreSQL %.1f s per million events):

                %s
                """, sessions, stored, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfterRebuild, load(),
                timings.events(), timings.appendMillis() / 1000.0, timings.events() * 1000.0 / timings.appendMillis(),
                timings.events(), timings.liveMillis() / 1000.0, timings.events() * 1000.0 / timings.liveMillis(),
                stored, catchUp, stored / catchUp,
                rebuild.identical(), rebuild.events(), rebuild.millis() / 1000.0, rebuild.eventsPerSecond(),
                settled, second.identical(), second.events(), second.millis() / 1000.0, second.eventsPerSecond(), loadBeforeSecond,
                loadAfterSecond, secondCpu * 1e6 / second.events(),
                stored, catchUp, stored / catchUp, loadBeforeCatchUp, load(), catchUpCpu * 1e6 / stored,
                secondSpent.jvmSeconds() * 1e6 / second.events(), secondSpent.postgresSeconds() * 1e6 / second.events(),
                compareSpent.jvmSeconds() * 1e6 / second.events(), compareSpent.postgresSeconds() * 1e6 / second.events(),
                secondSpent.breakdown(), catchUpSpent.jvmSeconds() * 1e6 / stored,
                catchUpSpent.postgresSeconds() * 1e6 / stored, catchUpSpent.breakdown());
        System.out.println(report);
        Path out = Path.of("target/bench/audit-replay.md").toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    /**
     * Waits until every streaming processor has reached the store's head and the head stays where it is (their
     * reactions appended nothing more) for a second; whether that happened within {@code atMost}.
     */
    private boolean settle(Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        long seen = -2;
        while (System.nanoTime() < deadline) {
            long head = jdbc.sql("SELECT coalesce(max(globalindex), -1) FROM domainevententry").query(Long.class).single();
            boolean all = processing.eventProcessors().values().stream()
                    .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                    .filter(p -> p.isRunning() && !p.processingStatus().isEmpty()).allMatch(p -> position(p) >= head);
            if (all && head == seen) {
                return true;
            }
            seen = all ? head : -2;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static long position(StreamingEventProcessor processor) {
        return processor.processingStatus().values().stream().map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(p -> p.orElse(-1)).min().orElse(-1);
    }

    /** The pid of this broker's PostgreSQL server (which runs detached), found by its port. */
    private long postmaster() {
        String port = jdbc.sql("SELECT current_setting('port')").query(String.class).single();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .filter(line -> line.contains("/bin/postgres ") && line.contains(" -p " + port + " ")).isPresent())
                .findFirst().orElseThrow().pid();
    }

    private static String load() throws IOException {
        return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }
}
