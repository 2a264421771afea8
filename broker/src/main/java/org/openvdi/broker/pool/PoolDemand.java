package org.openvdi.broker.pool;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What a pool has and what is asked of it right now, read from the desktop and session read models. */
@Component
class PoolDemand {

    private final JdbcClient jdbc;

    PoolDemand(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Snapshot of one pool. */
    record Snapshot(int occupying, int unownedAvailable, int waitingSessions, List<String> waitingUsersWithoutDesktop) {
    }

    Snapshot of(UUID poolId) {
        // a desktop waiting to be torn down on a host that is down cannot be torn down until the host
        // returns; it must not keep the pool from replacing it on another host meanwhile
        int occupying = count("""
                SELECT count(*) FROM desktop_view d WHERE d.pool_id = ? AND d.state <> 'DESTROYED'
                  AND NOT (d.state IN ('RECYCLING', 'FAILED', 'LOST')
                           AND EXISTS (SELECT 1 FROM host_view h WHERE h.id = d.host_id AND h.state = 'DOWN'))""", poolId);
        int available = count("""
                SELECT count(*) FROM desktop_view WHERE pool_id = ? AND owner IS NULL
                  AND state IN ('REQUESTED', 'CLONED', 'DEFINED', 'STARTED', 'READY')""", poolId);
        // a session whose desktop is assigned but which has not recorded it yet waits for nothing
        int waiting = count("""
                SELECT count(*) FROM session_view s WHERE s.pool_id = ? AND s.state = 'REQUESTED'
                  AND NOT EXISTS (SELECT 1 FROM desktop_view d WHERE d.session_id = s.id)""", poolId);
        List<String> withoutDesktop = jdbc.sql("""
                SELECT DISTINCT s.user_name FROM session_view s WHERE s.pool_id = ? AND s.state = 'REQUESTED'
                  AND NOT EXISTS (SELECT 1 FROM desktop_view d WHERE d.pool_id = s.pool_id AND d.owner = s.user_name
                                  AND d.state NOT IN ('DESTROYED', 'FAILED', 'LOST', 'RECYCLING'))
                ORDER BY s.user_name""").param(poolId).query(String.class).list();
        return new Snapshot(occupying, available, waiting, withoutDesktop);
    }

    private int count(String sql, UUID poolId) {
        return jdbc.sql(sql).param(poolId).query(Long.class).single().intValue();
    }
}
