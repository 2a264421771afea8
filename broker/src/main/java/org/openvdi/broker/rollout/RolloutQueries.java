package org.openvdi.broker.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.rollout.api.PauseReason;
import org.openvdi.broker.rollout.api.RolloutDesktopStatus;
import org.openvdi.broker.rollout.api.RolloutStage;
import org.openvdi.broker.rollout.api.RolloutState;
import org.openvdi.broker.rollout.api.RolloutStrategy;
import org.openvdi.broker.rollout.api.UpdateMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads rollouts, their desktops and notices: the one reader of the rollout tables. */
@Component
public class RolloutQueries implements org.openvdi.broker.desktop.TargetVersions {

    private static final List<String> ACTIVE = List.of(RolloutState.SCHEDULED.name(), RolloutState.RUNNING.name(),
            RolloutState.PAUSED.name());

    private final JdbcClient jdbc;

    RolloutQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RolloutView> find(UUID poolId, UUID rolloutId) {
        return jdbc.sql("SELECT * FROM rollout_view WHERE id = ? AND pool_id = ?").params(rolloutId, poolId)
                .query(this::map).optional();
    }

    public Optional<RolloutView> find(UUID rolloutId) {
        return jdbc.sql("SELECT * FROM rollout_view WHERE id = ?").param(rolloutId).query(this::map).optional();
    }

    public List<RolloutView> ofPool(UUID poolId) {
        return jdbc.sql("SELECT * FROM rollout_view WHERE pool_id = ? ORDER BY created_at").param(poolId)
                .query(this::map).list();
    }

    /** Rollouts that still hold their pool, oldest first. */
    public List<RolloutView> active() {
        return jdbc.sql("SELECT * FROM rollout_view WHERE state IN (:active) ORDER BY created_at").param("active", ACTIVE)
                .query(this::map).list();
    }

    /** Finished rollouts, to release their pool and their old image. */
    List<RolloutView> finished() {
        return jdbc.sql("SELECT * FROM rollout_view WHERE state NOT IN (:active) ORDER BY created_at").param("active", ACTIVE)
                .query(this::map).list();
    }

    /** The version each pool with an active rollout is moving to. */
    public Map<UUID, Integer> targetVersionByPool() {
        Map<UUID, Integer> targets = new HashMap<>();
        jdbc.sql("SELECT pool_id, to_version FROM rollout_view WHERE state IN (:active)").param("active", ACTIVE)
                .query((rs, row) -> targets.put(rs.getObject("pool_id", UUID.class), rs.getInt("to_version"))).list();
        return targets;
    }

    @Override
    public Map<UUID, Integer> byPool() {
        return targetVersionByPool();
    }

    List<RolloutDesktop> desktops(UUID rolloutId) {
        return jdbc.sql("SELECT * FROM rollout_desktop WHERE rollout_id = ? ORDER BY started_at").param(rolloutId)
                .query(RolloutQueries::desktop).list();
    }

    /** The notices given to the users of desktops that still wait for their logoff (not yet forced), for one session. */
    public List<PendingNotice> pendingNotices(UUID sessionId) {
        return jdbc.sql("""
                SELECT n.* FROM rollout_notice n JOIN rollout_desktop d
                  ON d.rollout_id = n.rollout_id AND d.desktop_id = n.desktop_id
                WHERE n.session_id = ? AND d.status = ? AND d.logoff_forced_at IS NULL ORDER BY n.issued_at""")
                .params(sessionId, RolloutDesktopStatus.WAITING_FOR_LOGOFF.name())
                .query((rs, row) -> new PendingNotice(rs.getObject("rollout_id", UUID.class), sessionId,
                        rs.getObject("desktop_id", UUID.class), rs.getString("user_name"), rs.getString("notice"),
                        instant(rs.getTimestamp("logoff_at")), rs.getLong("before_seconds"),
                        instant(rs.getTimestamp("issued_at"))))
                .list();
    }

    /**
     * The notices pending for any of these sessions, oldest first: one query for a whole notice poll of a gateway.
     */
    public List<PendingNotice> pendingNotices(Collection<UUID> sessionIds) {
        if (sessionIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT n.* FROM rollout_notice n JOIN rollout_desktop d
                  ON d.rollout_id = n.rollout_id AND d.desktop_id = n.desktop_id
                WHERE n.session_id IN (:sessions) AND d.status = :waiting AND d.logoff_forced_at IS NULL
                ORDER BY n.issued_at""")
                .param("sessions", sessionIds).param("waiting", RolloutDesktopStatus.WAITING_FOR_LOGOFF.name())
                .query((rs, row) -> new PendingNotice(rs.getObject("rollout_id", UUID.class),
                        rs.getObject("session_id", UUID.class), rs.getObject("desktop_id", UUID.class),
                        rs.getString("user_name"), rs.getString("notice"), instant(rs.getTimestamp("logoff_at")),
                        rs.getLong("before_seconds"), instant(rs.getTimestamp("issued_at"))))
                .list();
    }

    /** The version of the rollout that ended this session at its logoff deadline, if one did. */
    public Optional<Integer> versionThatLoggedOff(UUID sessionId) {
        return jdbc.sql("""
                SELECT v.to_version FROM rollout_desktop d JOIN rollout_view v ON v.id = d.rollout_id
                WHERE d.session_id = ? AND d.logoff_forced_at IS NOT NULL ORDER BY d.logoff_forced_at DESC LIMIT 1""")
                .param(sessionId).query(Integer.class).optional();
    }

    /** How many seconds before the logoff each notice of the desktop was given. */
    Set<Long> noticesGiven(UUID rolloutId, UUID desktopId) {
        return Set.copyOf(jdbc.sql("SELECT before_seconds FROM rollout_notice WHERE rollout_id = ? AND desktop_id = ?")
                .params(rolloutId, desktopId).query(Long.class).list());
    }

    /** Hosts the rollout's old image was deleted from already. */
    Set<UUID> imageDeletedOn(UUID rolloutId) {
        return Set.copyOf(jdbc.sql("SELECT host_id FROM rollout_image_deletion WHERE rollout_id = ?").param(rolloutId)
                .query(UUID.class).list());
    }

    private RolloutView map(ResultSet rs, int row) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        RolloutStrategy strategy = StrategyColumn.read(rs.getString("strategy"));
        Map<RolloutDesktopStatus, Integer> byStatus = new HashMap<>();
        long[] measured = {0, 0};
        jdbc.sql("""
                SELECT status, count(*) AS n,
                       sum(EXTRACT(EPOCH FROM finished_at - started_at)) FILTER (WHERE status = :updated AND method <> :retired) AS secs,
                       count(*) FILTER (WHERE status = :updated AND method <> :retired) AS timed
                FROM rollout_desktop WHERE rollout_id = :id GROUP BY status""")
                .param("updated", RolloutDesktopStatus.UPDATED.name()).param("retired", UpdateMethod.RETIRED.name())
                .param("id", id)
                .query((r, n) -> {
                    byStatus.put(RolloutDesktopStatus.valueOf(r.getString("status")), r.getInt("n"));
                    measured[0] += Math.round(r.getDouble("secs"));
                    measured[1] += r.getLong("timed");
                    return null;
                }).list();
        int updated = byStatus.getOrDefault(RolloutDesktopStatus.UPDATED, 0);
        int inProgress = byStatus.getOrDefault(RolloutDesktopStatus.IN_PROGRESS, 0);
        int waiting = byStatus.getOrDefault(RolloutDesktopStatus.WAITING_FOR_LOGOFF, 0);
        int failed = byStatus.getOrDefault(RolloutDesktopStatus.FAILED, 0);
        int total = Math.max(rs.getInt("total"), updated + inProgress + waiting + failed);
        RolloutState state = RolloutState.valueOf(rs.getString("state"));
        String pause = rs.getString("pause_reason");
        CanaryOutcome canary = CanaryOutcome.valueOf(rs.getString("canary"));
        int from = rs.getInt("from_version");
        int to = rs.getInt("to_version");
        UUID rolledBackBy = rs.getObject("rolled_back_by", UUID.class);
        RolloutView.Counts counts = new RolloutView.Counts(total, updated, inProgress, waiting, failed);
        return new RolloutView(id, rs.getObject("pool_id", UUID.class), rs.getObject("template_id", UUID.class),
                from, to, strategy, state, pause == null ? null : PauseReason.valueOf(pause), rs.getString("pause_detail"),
                canary, rs.getInt("canary_target"), counts,
                estimate(state, strategy, total - updated - failed, measured[0], measured[1]),
                rs.getObject("rollback_of", UUID.class), rolledBackBy,
                rs.getString("started_by"), instant(rs.getTimestamp("start_at")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("begun_at")), instant(rs.getTimestamp("finished_at")),
                instant(rs.getTimestamp("last_progress_at")), RolloutView.poolVersion(state, canary, from, to),
                RolloutView.summary(state, canary, counts, from, to, rolledBackBy));
    }

    /** Desktops left, in batches as wide as the strategy lets through at once, each as long as the mean step so far. */
    private static Long estimate(RolloutState state, RolloutStrategy strategy, int left, long seconds, long steps) {
        if (!state.active()) {
            return 0L;
        }
        if (steps == 0) {
            return null;
        }
        int width = Math.max(1, strategy.maxSurge() + strategy.maxUnavailable().of(Math.max(1, left)));
        long batches = (Math.max(0, left) + width - 1) / width;
        return batches * Math.max(1, seconds / steps);
    }

    private static RolloutDesktop desktop(ResultSet rs, int row) throws SQLException {
        String method = rs.getString("method");
        return new RolloutDesktop(rs.getObject("rollout_id", UUID.class), rs.getObject("desktop_id", UUID.class),
                rs.getObject("replacement_id", UUID.class), RolloutStage.valueOf(rs.getString("stage")),
                method == null ? null : UpdateMethod.valueOf(method), RolloutDesktopStatus.valueOf(rs.getString("status")),
                rs.getObject("session_id", UUID.class), rs.getString("user_name"), instant(rs.getTimestamp("logoff_at")),
                rs.getString("reason"), instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
