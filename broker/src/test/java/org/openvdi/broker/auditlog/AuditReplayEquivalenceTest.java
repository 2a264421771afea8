package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Replay equivalence on a generated history of more than 10,000 real serialized events in the broker's PostgreSQL
 * event store (the 100,000-event run is {@link AuditReplayBench}, in the bench profile): the live streaming projection and a rebuild from the store into shadow tables agree row for row.
 */
@BrokerTest
// these tests append events to the store directly, past the subscribing read models: a broker of their own, so
// that no other test's read models and rebuilds meet events they never saw
@TestPropertySource(properties = "openvdi.test.scenario=audit-log")
class AuditReplayEquivalenceTest {

    private static final Logger log = LoggerFactory.getLogger(AuditReplayEquivalenceTest.class);
    static final int SESSIONS = 1_300;

    @Autowired
    EventStorageEngine storage;
    @Autowired
    AuditReplay replay;
    @Autowired
    JdbcClient jdbc;

    @Test
    void givenTenThousandEvents_whenRebuilt_thenTheShadowTablesEqualTheLiveOnes() {
        Instant t0 = Instant.parse("2025-01-06T07:00:00Z");
        AuditHistory history = new AuditHistory(storage);
        AuditHistory.Estate estate = history.estate("bulk", t0);
        long started = System.nanoTime();
        for (int i = 0; i < SESSIONS; i++) {
            history.session(estate, i % 2 == 0 ? "alice" : "bob", t0.plusSeconds(60L * i), i % 7 == 0 ? "timeout" : "logoff");
            if (i % 500 == 499) {
                history.append();
            }
        }
        history.append();
        long events = jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier <> ?")
                .param(estate.hostId().toString()).query(Long.class).single();
        assertThat(events).isGreaterThanOrEqualTo(10_000);
        log.info("Appended {} events in {} ms", events, (System.nanoTime() - started) / 1_000_000);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                jdbc.sql("SELECT count(*) FROM audit_session WHERE pool_id = ? AND ended_at IS NOT NULL").param(estate.poolId())
                        .query(Long.class).single() == SESSIONS);
        log.info("Live projection caught up after {} ms", (System.nanoTime() - started) / 1_000_000);

        AuditReplay.RebuildReport report = replay.rebuild("admin");

        log.info("Rebuilt {} events in {} ms ({} events/s)", report.events(), report.millis(), report.eventsPerSecond());
        assertThat(report.events()).isGreaterThanOrEqualTo(10_000);
        assertThat(report.liveCaughtUp()).isTrue();
        assertThat(report.tables()).allSatisfy(t -> {
            assertThat(t.onlyLive()).as(t.table() + " " + t.onlyLiveRows()).isZero();
            assertThat(t.onlyRebuilt()).as(t.table() + " " + t.onlyRebuiltRows()).isZero();
        });
        assertThat(report.tables().get(0).liveRows()).isGreaterThanOrEqualTo(SESSIONS);
        assertThat(report.identical()).isTrue();
    }
}
