package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PowerPolicy;
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

    static final int SESSIONS = 1_300;

    @Autowired
    EventStorageEngine storage;
    @Autowired
    AuditReplay replay;
    @Autowired
    JdbcClient jdbc;

    /**
     * Besides the generated history, a pool's events as an older broker stored them (revision 1, with the power
     * policy's old name): the rebuild reads the store's rows itself, and must upcast them as the live processor's
     * storage engine does, or it would fail on the old name or differ from the live tables.
     */
    @Test
    void givenTenThousandEventsAndOldRevisions_whenRebuilt_thenTheShadowTablesEqualTheLiveOnes() {
        UUID pool = UUID.randomUUID();
        UUID template = UUID.randomUUID();
        stored(pool, 0, PoolCreatedEvent.class, "{\"poolId\":\"" + pool + "\",\"name\":\"Old office\",\"templateId\":\""
                + template + "\",\"templateVersion\":1,\"type\":\"PERSISTENT\",\"powerPolicy\":\"POWER_OFF_WHEN_IDLE\","
                + "\"minSpare\":0,\"maxSize\":3,\"entitledUsers\":[\"alice\"],\"entitledGroups\":[],\"createdBy\":\"admin\"}");
        stored(pool, 1, PoolReconfiguredEvent.class, "{\"poolId\":\"" + pool + "\",\"name\":\"Old office\",\"minSpare\":0,"
                + "\"maxSize\":4,\"powerPolicy\":\"POWER_OFF_WHEN_IDLE\",\"changedBy\":\"ops\"}");

        ReplayEquivalence.check(storage, replay, jdbc, SESSIONS, 10_000, Duration.ofSeconds(120));

        assertThat(jdbc.sql("SELECT state->>'powerPolicy' FROM audit_object WHERE object_id = ?").param(pool)
                .query(String.class).single()).isEqualTo(PowerPolicy.POWER_OFF_AT_LOGOFF.name());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_change WHERE object_id = ?").param(pool).query(Long.class).single())
                .isEqualTo(2);
    }

    /** A row as the event store kept it at revision 1 (the JSON of that revision, Axon's text timestamp). */
    private void stored(UUID pool, long sequence, Class<?> type, String payload) {
        jdbc.sql("INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,"
                        + " payloadtype, payloadrevision, payload, metadata) VALUES (?, ?, ?, 'DesktopPool', ?, ?, '1', ?, ?)")
                .params(UUID.randomUUID().toString(), pool.toString(), sequence, "2024-12-0" + (sequence + 1) + "T09:00:00.000Z",
                        type.getName(), payload.getBytes(StandardCharsets.UTF_8),
                        "{\"user\":\"admin\"}".getBytes(StandardCharsets.UTF_8))
                .update();
    }
}
