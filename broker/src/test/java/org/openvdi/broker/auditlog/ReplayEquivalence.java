package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Replay equivalence on a generated history: {@code sessions} sessions of real serialized events appended to the
 * broker's PostgreSQL event store, the live streaming projection awaited, then a rebuild from the store into shadow
 * tables that must agree with the live ones row for row.
 */
final class ReplayEquivalence {

    private static final Logger log = LoggerFactory.getLogger(ReplayEquivalence.class);

    private ReplayEquivalence() {
    }

    /** What a check measured: events appended, how long appending and the live projection took, the rebuild. */
    record Timings(long events, long appendMillis, long liveMillis, AuditReplay.RebuildReport rebuild) {
    }

    static Timings check(EventStorageEngine storage, AuditReplay replay, JdbcClient jdbc, int sessions, long atLeastEvents,
                         Duration catchUp) {
        Instant t0 = Instant.parse("2025-01-06T07:00:00Z");
        AuditHistory history = new AuditHistory(storage);
        AuditHistory.Estate estate = history.estate("bulk", t0);
        long started = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            String user = i % 2 == 0 ? "alice" : "bob";
            UUID sessionId = history.session(estate, user, t0.plusSeconds(60L * i), i % 7 == 0 ? "timeout" : "logoff");
            if (i % 5 == 0) {
                history.recording(estate, sessionId, user, t0.plusSeconds(60L * i + 120));
            }
            if (i % 500 == 499) {
                history.append();
            }
        }
        history.append();
        long events = jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier <> ?")
                .param(estate.hostId().toString()).query(Long.class).single();
        assertThat(events).isGreaterThanOrEqualTo(atLeastEvents);
        long appendMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("Appended {} events in {} ms", events, appendMillis);

        await().atMost(catchUp).pollInterval(Duration.ofMillis(500)).until(() ->
                jdbc.sql("SELECT count(*) FROM audit_session WHERE pool_id = ? AND ended_at IS NOT NULL").param(estate.poolId())
                        .query(Long.class).single() == sessions);
        long liveMillis = (System.nanoTime() - started) / 1_000_000;
        log.info("Live projection caught up after {} ms", liveMillis);

        AuditReplay.RebuildReport report = replay.rebuild("admin");

        log.info("Rebuilt {} events in {} ms ({} events/s)", report.events(), report.millis(), report.eventsPerSecond());
        assertThat(report.events()).isGreaterThanOrEqualTo(atLeastEvents);
        assertThat(report.liveCaughtUp()).isTrue();
        assertThat(report.tables()).allSatisfy(t -> {
            assertThat(t.onlyLive()).as(t.table() + " " + t.onlyLiveRows()).isZero();
            assertThat(t.onlyRebuilt()).as(t.table() + " " + t.onlyRebuiltRows()).isZero();
        });
        assertThat(report.tables().get(0).liveRows()).isGreaterThanOrEqualTo(sessions);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_session WHERE pool_id = ? AND recording_url IS NOT NULL")
                .param(estate.poolId()).query(Long.class).single()).as("sessions linked to their recordings")
                .isEqualTo((sessions + 4) / 5);
        assertThat(report.identical()).isTrue();
        return new Timings(events, appendMillis, liveMillis, report);
    }
}
