package org.openvdi.broker.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The demand projection on real serialized events in the broker's PostgreSQL event store: a hand-computable history
 * gives the expected buckets and request rows, and a rebuild by replay into shadow tables equals the live tables.
 */
@BrokerTest
// these tests append events to the store directly, past the subscribing read models: a broker of their own
@TestPropertySource(properties = "openvdi.test.scenario=demand")
class DemandProjectionTest {

    static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");

    @Autowired
    EventStorageEngine storage;
    @Autowired
    DemandQueries demand;
    @Autowired
    DemandReplay replay;

    @Test
    void givenAWarmAColdAndAFailedRequest_whenProjected_thenTheBucketsAndRowsSayWhatHappened() {
        DemandEvents history = new DemandEvents(storage);
        UUID spare = history.provision(T0.minusSeconds(600), T0.minusSeconds(480));    // lead 2 min, spare from 07:52
        UUID warm = history.request("alice", T0.plusSeconds(60));
        history.assign(warm, spare, "alice", T0.plusSeconds(62));                      // warm, waited 2 s
        UUID cold = history.request("bob", T0.plusSeconds(120));
        UUID fresh = history.provision(T0.plusSeconds(120), T0.plusSeconds(300));      // lead 3 min
        history.assign(cold, fresh, "bob", T0.plusSeconds(301));                       // cold, waited 181 s
        UUID failed = history.request("carol", T0.plusSeconds(600));
        history.fail(failed, T0.plusSeconds(900));
        history.end(warm, spare, "alice", T0.plusSeconds(1800));
        history.end(cold, fresh, "bob", T0.plusSeconds(3600));
        history.append();

        await().atMost(Duration.ofSeconds(60)).until(() -> demand.requests(history.poolId, T0, T0.plusSeconds(3600)).stream()
                .filter(r -> r.endedAt() != null).count() == 3);

        List<RecordedRequest> requests = demand.requests(history.poolId, T0, T0.plusSeconds(3600));
        assertThat(requests).extracting(RecordedRequest::warm).containsExactly(true, false, null);
        assertThat(requests).extracting(RecordedRequest::waitMillis).containsExactly(2_000L, 181_000L, null);
        assertThat(requests).extracting(RecordedRequest::failed).containsExactly(false, false, true);
        assertThat(demand.leadTimes(history.poolId, T0.minusSeconds(3600), T0.plusSeconds(3600)))
                .extracting(LeadTime::millis).containsExactly(120_000L, 180_000L);

        List<DemandBucket> buckets = demand.buckets(history.poolId, T0.minusSeconds(600), T0.plusSeconds(3600),
                T0.plusSeconds(7200));
        DemandBucket before = buckets.get(0);    // 07:50-07:55: the spare from 07:52
        assertThat(before.spares()).isEqualTo(1);
        assertThat(before.idleSpareMinutes()).isEqualTo(3.0);
        assertThat(before.leadTimeP50Millis()).isEqualTo(120_000L);
        DemandBucket first = buckets.get(2);     // 08:00-08:05
        assertThat(first.start()).isEqualTo(T0);
        assertThat(first.requests()).isEqualTo(2);
        assertThat(first.warmHits()).isEqualTo(1);
        assertThat(first.coldStarts()).isEqualTo(1);
        assertThat(first.coldWaitMillis()).isEqualTo(181_000L);
        assertThat(first.sessions()).isEqualTo(1);                  // alice from 08:01:02; bob from 08:05:01
        assertThat(first.spares()).isEqualTo(1);
        assertThat(first.idleSpareMinutes()).isEqualTo(62 / 60.0);
        assertThat(first.leadTimeP95Millis()).isNull();
        DemandBucket second = buckets.get(3);    // 08:05-08:10
        assertThat(second.sessions()).isEqualTo(2);
        assertThat(second.leadTimeP50Millis()).isEqualTo(180_000L);
        assertThat(second.spares()).isEqualTo(1);                   // fresh waited one second for bob
        assertThat(second.idleSpareMinutes()).isEqualTo(1 / 60.0);
        assertThat(buckets.get(4).failed()).isEqualTo(1);           // 08:10-08:15
        assertThat(buckets.get(4).requests()).isEqualTo(1);
        assertThat(buckets.get(2 + 6).sessions()).isEqualTo(1);     // 08:30: alice ended, bob still there
        assertThat(buckets).hasSize(14);

        // the hourly view used by the admin chart
        List<HourOfDemand> hours = demand.hourly(List.of(history.poolId), 2, T0.plusSeconds(60));
        assertThat(hours.get(1).hour()).isEqualTo(T0);
        assertThat(hours.get(1).requested()).isEqualTo(3);
        assertThat(hours.get(1).warmHits()).isEqualTo(1);
        assertThat(hours.get(1).concurrent()).isEqualTo(2);

        // many more sessions, then the rebuild by replay must equal the live tables
        DemandEvents bulk = new DemandEvents(storage);
        Instant t = T0.plus(Duration.ofDays(1));
        UUID previous = bulk.provision(t.minusSeconds(300), t.minusSeconds(200));
        for (int i = 0; i < 300; i++) {
            Instant at = t.plusSeconds(97L * i);
            UUID session = bulk.request(i % 2 == 0 ? "alice" : "bob", at);
            UUID desktop = i % 3 == 0 ? bulk.provision(at, at.plusSeconds(40 + i % 50)) : previous;
            Instant ready = i % 3 == 0 ? at.plusSeconds(41 + i % 50) : at.plusSeconds(1);
            bulk.assign(session, desktop, "alice", ready);
            bulk.end(session, desktop, "alice", ready.plusSeconds(600 + 31L * (i % 40)));
            bulk.destroy(desktop, ready.plusSeconds(601 + 31L * (i % 40)));
            previous = bulk.provision(ready.plusSeconds(2), ready.plusSeconds(70));
        }
        bulk.append();
        await().atMost(Duration.ofSeconds(120)).until(() -> demand.requests(bulk.poolId, t, t.plus(Duration.ofDays(1)))
                .stream().filter(r -> r.endedAt() != null).count() == 300);

        DemandReplay.RebuildReport report = replay.rebuild();

        assertThat(report.liveCaughtUp()).isTrue();
        assertThat(report.tables()).allSatisfy(table -> {
            assertThat(table.onlyLive()).as(table.table() + " " + table.onlyLiveRows()).isZero();
            assertThat(table.onlyRebuilt()).as(table.table() + " " + table.onlyRebuiltRows()).isZero();
            assertThat(table.liveRows()).as(table.table()).isPositive();
        });
        assertThat(report.identical()).isTrue();
    }
}
