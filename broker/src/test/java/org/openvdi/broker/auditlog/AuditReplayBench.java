package org.openvdi.broker.auditlog;

import java.time.Duration;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * In the bench profile ({@code ./vdi bench}; too slow for the default run on a shared 2-core machine, where appending
 * alone takes about a minute): replay equivalence on a generated history of more than 100,000 real serialized events in the broker's PostgreSQL
 * event store: the live streaming projection and a rebuild from the store into shadow tables agree row for row.
 */
@BrokerTest
class AuditReplayBench {

    static final int SESSIONS = 12_600;

    @Autowired
    EventStorageEngine storage;
    @Autowired
    AuditReplay replay;
    @Autowired
    JdbcClient jdbc;

    @Test
    void givenAHundredThousandEvents_whenRebuilt_thenTheShadowTablesEqualTheLiveOnes() {
        ReplayEquivalence.check(storage, replay, jdbc, SESSIONS, 100_000, Duration.ofMinutes(15));
    }
}
