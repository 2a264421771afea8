package org.openvdi.broker.pool;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopQueries.PoolDesktops;
import org.openvdi.broker.desktop.PersistentPools;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.pool.api.PoolState;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.spare.TargetReason;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads pools with their desktop counts, which the desktop feature answers ({@link DesktopQueries}). */
@Component
public class PoolQueries implements PersistentPools {

    private final JdbcClient jdbc;
    private final DesktopQueries desktops;

    PoolQueries(JdbcClient jdbc, DesktopQueries desktops) {
        this.jdbc = jdbc;
        this.desktops = desktops;
    }

    /**
     * The pools that are not deleted (active and draining ones). Two queries whatever the number of pools: the
     * pools, then the desktops of each counted in one go.
     */
    public List<PoolView> all() {
        return list(false);
    }

    /** Every pool, deleted ones included (after the others), as admins and auditors list them. */
    public List<PoolView> listed() {
        return list(true);
    }

    private List<PoolView> list(boolean withDeleted) {
        Map<UUID, PoolDesktops> counts = desktops.countsByPool();
        return jdbc.sql("SELECT * FROM pool_view WHERE state <> :deleted OR :withDeleted ORDER BY state = :deleted, name, id")
                .param("deleted", PoolState.DELETED.name()).param("withDeleted", withDeleted)
                .query((rs, row) -> map(rs, counts.getOrDefault(rs.getObject("id", UUID.class), PoolDesktops.NONE)))
                .list();
    }

    /** The pools being deleted, oldest deadline first. */
    public List<PoolView> draining() {
        return jdbc.sql("SELECT * FROM pool_view WHERE state = ? ORDER BY drain_deadline, id").param(PoolState.DRAINING.name())
                .query((rs, row) -> map(rs, desktops.countsOf(rs.getObject("id", UUID.class)))).list();
    }

    @Override
    public boolean persistent(UUID poolId) {
        return withoutCounts(poolId).map(pool -> pool.type() == PoolType.PERSISTENT).orElse(false);
    }

    /**
     * A pool's settings and state, without counting its desktops ({@code desktops}, {@code readySpares} and
     * {@code provisioning} are 0): one row by its key, for a session request and the allocator, which never use the
     * counts. Counting a pool's desktops reads every one of them, on each request of a logon storm.
     */
    public Optional<PoolView> withoutCounts(UUID id) {
        return jdbc.sql("SELECT * FROM pool_view WHERE id = ?").param(id)
                .query((rs, row) -> map(rs, PoolDesktops.NONE)).optional();
    }

    public Optional<PoolView> find(UUID id) {
        PoolDesktops counts = desktops.countsOf(id);
        return jdbc.sql("SELECT * FROM pool_view WHERE id = ?").param(id).query((rs, row) -> map(rs, counts)).optional();
    }

    /** The rollout that holds the pool now, if any. */
    public Optional<UUID> activeRollout(UUID poolId) {
        return jdbc.sql("SELECT active_rollout_id FROM pool_view WHERE id = ? AND active_rollout_id IS NOT NULL")
                .param(poolId).query(UUID.class).optional();
    }

    /** A pool's template version and the rollout moving it, if any. */
    public record PoolVersion(UUID poolId, int templateVersion, UUID activeRolloutId) {
    }

    /** The pools built from a template, each with its version. */
    public List<PoolVersion> onTemplate(UUID templateId) {
        return jdbc.sql("SELECT id, template_version, active_rollout_id FROM pool_view WHERE template_id = ? AND state <> ?")
                .params(templateId, PoolState.DELETED.name()).query((rs, row) -> new PoolVersion(rs.getObject("id", UUID.class),
                        rs.getInt("template_version"), rs.getObject("active_rollout_id", UUID.class))).list();
    }

    /** Whether connections to the pool's desktops are recorded; false for a pool this broker does not know. */
    public boolean records(UUID poolId) {
        return jdbc.sql("SELECT recording FROM pool_view WHERE id = ?").param(poolId).query(Boolean.class).optional()
                .orElse(false);
    }

    /** Whether another pool that is not deleted has this name (a deleted pool's name is free again). */
    public boolean nameTaken(String name, UUID except) {
        return jdbc.sql("SELECT count(*) FROM pool_view WHERE name = ? AND id <> ? AND state <> ?")
                .params(name, except, PoolState.DELETED.name())
                .query(Long.class).single() > 0;
    }

    private static PoolView map(ResultSet rs, PoolDesktops counts) throws SQLException {
        return new PoolView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getObject("template_id", UUID.class),
                rs.getInt("template_version"), PoolType.valueOf(rs.getString("type")),
                PowerPolicy.valueOf(rs.getString("power_policy")), rs.getInt("min_spare"), rs.getInt("max_size"),
                strings(rs.getArray("entitled_users")), strings(rs.getArray("entitled_groups")), counts.desktops(),
                counts.readySpares(), counts.provisioning(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getBoolean("recording"),
                SparePolicyColumn.read(rs.getString("spare_policy"), rs.getInt("min_spare")), target(rs),
                PoolState.valueOf(rs.getString("state")), drain(rs),
                SessionLimitsColumn.read(rs.getString("session_limits")), strings(rs.getArray("host_selector")),
                rs.getString("placement_problem"));
    }

    private static PoolView.SpareTargetView target(ResultSet rs) throws SQLException {
        int spares = rs.getInt("spare_target");
        if (rs.wasNull()) {
            return null;
        }
        return new PoolView.SpareTargetView(spares, TargetReason.valueOf(rs.getString("spare_target_reason")),
                rs.getBoolean("spare_target_forecast_only"), rs.getTimestamp("spare_target_at").toInstant());
    }

    private static PoolView.Drain drain(ResultSet rs) throws SQLException {
        java.sql.Timestamp deadline = rs.getTimestamp("drain_deadline");
        if (deadline == null) {
            return null;
        }
        java.sql.Timestamp deleted = rs.getTimestamp("deleted_at");
        return new PoolView.Drain(deadline.toInstant(), rs.getString("drain_message"),
                UserDiskFate.valueOf(rs.getString("drain_user_disks")), rs.getString("drain_started_by"),
                deleted == null ? null : deleted.toInstant());
    }

    private static Set<String> strings(Array array) throws SQLException {
        return Set.copyOf(java.util.Arrays.asList((String[]) array.getArray()));
    }
}
