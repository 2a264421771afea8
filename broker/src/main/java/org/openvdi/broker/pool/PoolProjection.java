package org.openvdi.broker.pool;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.pool.api.EntitlementGrantedEvent;
import org.openvdi.broker.pool.api.EntitlementRevokedEvent;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolRecordingChangedEvent;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.PoolRolloutClosedEvent;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code pool_view} in step with the pool events. */
@Component
@ProcessingGroup("projections")
class PoolProjection {

    private final JdbcClient jdbc;

    PoolProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(PoolCreatedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO pool_view (id, name, template_id, template_version, type, power_policy, min_spare, max_size,
                                       entitled_users, entitled_groups, recording, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(e.poolId(), e.name(), e.templateId(), e.templateVersion(), e.type().name(), e.powerPolicy().name(),
                        e.minSpare(), e.maxSize(), sorted(e.entitledUsers()), sorted(e.entitledGroups()), e.recording(),
                        utc(at), utc(at))
                .update();
    }

    @EventHandler
    void on(PoolReconfiguredEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET name = ?, min_spare = ?, max_size = ?, power_policy = ?, updated_at = ? WHERE id = ?")
                .params(e.name(), e.minSpare(), e.maxSize(), e.powerPolicy().name(), utc(at), e.poolId())
                .update();
    }

    @EventHandler
    void on(PoolSessionLimitsChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET session_limits = ?, updated_at = ? WHERE id = ?")
                .params(SessionLimitsColumn.write(e.limits()), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolRecordingChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET recording = ?, updated_at = ? WHERE id = ?")
                .params(e.recording(), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolRolloutOpenedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET active_rollout_id = ?, updated_at = ? WHERE id = ?")
                .params(e.rolloutId(), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolTemplateVersionChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET template_version = ?, updated_at = ? WHERE id = ?")
                .params(e.toVersion(), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolRolloutClosedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET active_rollout_id = NULL, updated_at = ? WHERE id = ? AND active_rollout_id = ?")
                .params(utc(at), e.poolId(), e.rolloutId()).update();
    }

    @EventHandler
    void on(EntitlementGrantedEvent e) {
        String column = column(e.kind());
        jdbc.sql("UPDATE pool_view SET " + column + " = ARRAY(SELECT DISTINCT p FROM unnest(array_append(" + column
                        + ", ?)) AS p ORDER BY p) WHERE id = ?")
                .params(e.principal(), e.poolId()).update();
    }

    @EventHandler
    void on(EntitlementRevokedEvent e) {
        String column = column(e.kind());
        jdbc.sql("UPDATE pool_view SET " + column + " = array_remove(" + column + ", ?) WHERE id = ?")
                .params(e.principal(), e.poolId()).update();
    }

    /** Entitlements are kept sorted, so the read model does not depend on set order. */
    private static String[] sorted(java.util.Set<String> principals) {
        return principals.stream().sorted().toArray(String[]::new);
    }

    private static String column(String kind) {
        return DesktopPool.USER.equals(kind) ? "entitled_users" : "entitled_groups";
    }

    @ResetHandler
    void reset() {
        jdbc.sql("DELETE FROM pool_view").update();
    }
}
