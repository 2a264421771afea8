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
import org.openvdi.broker.pool.api.PoolDeletedEvent;
import org.openvdi.broker.pool.api.PoolDrainStartedEvent;
import org.openvdi.broker.pool.api.PoolState;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolHostSelectorChangedEvent;
import org.openvdi.broker.pool.api.PoolPlacementBlockedEvent;
import org.openvdi.broker.pool.api.PoolPlacementRestoredEvent;
import org.openvdi.broker.pool.api.PoolRecordingChangedEvent;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.PoolRolloutClosedEvent;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolSpareTargetChangedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.TargetReason;
import org.openvdi.broker.store.ReadModelReset;
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
                                       entitled_users, entitled_groups, recording, spare_policy, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(e.poolId(), e.name(), e.templateId(), e.templateVersion(), e.type().name(), e.powerPolicy().name(),
                        e.minSpare(), e.maxSize(), sorted(e.entitledUsers()), sorted(e.entitledGroups()), e.recording(),
                        SparePolicyColumn.write(e.sparePolicy()), utc(at), utc(at))
                .update();
        impliedTarget(e.poolId(), e.sparePolicy(), at);
    }

    /** A STATIC policy's count is the pool's target from the event that set it (as the pool itself has it). */
    private void impliedTarget(java.util.UUID poolId, SparePolicy policy, Instant at) {
        if (policy instanceof SparePolicy.Static s) {
            jdbc.sql("""
                    UPDATE pool_view SET spare_target = ?, spare_target_reason = ?, spare_target_forecast_only = false,
                                         spare_target_at = ?
                    WHERE id = ?""")
                    .params(s.spares(), TargetReason.STATIC.name(), utc(at), poolId)
                    .update();
        }
    }

    @EventHandler
    void on(PoolReconfiguredEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE pool_view SET name = ?, min_spare = ?, max_size = ?, power_policy = ?, spare_policy = ?, updated_at = ?
                WHERE id = ?""")
                .params(e.name(), e.minSpare(), e.maxSize(), e.powerPolicy().name(), SparePolicyColumn.write(e.sparePolicy()),
                        utc(at), e.poolId())
                .update();
        impliedTarget(e.poolId(), e.sparePolicy(), at);
    }

    /** The target is the capacity process's, not a setting: it does not change the pool's {@code updated_at}. */
    @EventHandler
    void on(PoolSpareTargetChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE pool_view SET spare_target = ?, spare_target_reason = ?, spare_target_forecast_only = ?,
                                     spare_target_at = ?
                WHERE id = ?""")
                .params(e.to(), e.reason().name(), e.forecastOnly(), utc(at), e.poolId())
                .update();
    }

    @EventHandler
    void on(PoolDrainStartedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE pool_view SET state = ?, drain_deadline = ?, drain_message = ?, drain_user_disks = ?,
                                     drain_started_by = ?, updated_at = ?
                WHERE id = ?""")
                .params(PoolState.DRAINING.name(), utc(e.deadline()), e.message(), e.userDisks().name(), e.startedBy(),
                        utc(at), e.poolId())
                .update();
    }

    @EventHandler
    void on(PoolDeletedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET state = ?, deleted_at = ?, updated_at = ? WHERE id = ?")
                .params(PoolState.DELETED.name(), utc(at), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolSessionLimitsChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET session_limits = ?, updated_at = ? WHERE id = ?")
                .params(SessionLimitsColumn.write(e.limits()), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolHostSelectorChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET host_selector = ?, updated_at = ? WHERE id = ?")
                .params(sorted(e.hostSelector()), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolPlacementBlockedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET placement_problem = ?, updated_at = ? WHERE id = ?")
                .params(e.reason(), utc(at), e.poolId()).update();
    }

    @EventHandler
    void on(PoolPlacementRestoredEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE pool_view SET placement_problem = NULL, updated_at = ? WHERE id = ?")
                .params(utc(at), e.poolId()).update();
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
        ReadModelReset.empty(jdbc, "pool_view");
    }
}
