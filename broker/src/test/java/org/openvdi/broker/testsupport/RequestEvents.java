package org.openvdi.broker.testsupport;

import java.util.List;
import org.openvdi.broker.pool.api.PoolPlacementBlockedEvent;
import org.openvdi.broker.pool.api.PoolPlacementRestoredEvent;
import org.openvdi.broker.pool.api.PoolSpareTargetChangedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts the stored events that requests write, for tests that check a refused request stored nothing: in a broker
 * shared by many test classes the capacity process records spare targets and placement problems of other tests'
 * pools at any moment.
 */
public final class RequestEvents {

    private static final List<String> BY_PROCESSES = List.of(PoolSpareTargetChangedEvent.class.getName(),
            PoolPlacementBlockedEvent.class.getName(), PoolPlacementRestoredEvent.class.getName());

    private RequestEvents() {
    }

    public static long count(JdbcClient jdbc) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype NOT IN (:processes)")
                .param("processes", BY_PROCESSES).query(Long.class).single();
    }

    /** Those of one aggregate. */
    public static long count(JdbcClient jdbc, String aggregate) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = :aggregate"
                        + " AND payloadtype NOT IN (:processes)")
                .param("aggregate", aggregate).param("processes", BY_PROCESSES).query(Long.class).single();
    }
}
