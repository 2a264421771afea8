package org.openvdi.broker.auditlog;

import java.time.Duration;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
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

    @Test
    void givenTenThousandEvents_whenRebuilt_thenTheShadowTablesEqualTheLiveOnes() {
        ReplayEquivalence.check(storage, replay, jdbc, SESSIONS, 10_000, Duration.ofSeconds(120));
    }
}
