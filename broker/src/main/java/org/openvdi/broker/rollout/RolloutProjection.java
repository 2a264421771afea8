package org.openvdi.broker.rollout;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.rollout.api.*;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code rollout_view}, {@code rollout_desktop}, {@code rollout_notice} and {@code rollout_image_deletion} in step. */
@Component
@ProcessingGroup("projections")
class RolloutProjection {

    private final JdbcClient jdbc;

    RolloutProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RolloutStartedEvent e, @Timestamp Instant at) {
        Instant startAt = e.startAt() == null ? at : e.startAt();
        jdbc.sql("""
                INSERT INTO rollout_view (id, pool_id, template_id, from_version, to_version, strategy, state, canary,
                                          rollback_of, started_by, start_at, created_at, last_progress_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(e.rolloutId(), e.poolId(), e.templateId(), e.fromVersion(), e.toVersion(),
                        StrategyColumn.write(e.strategy()), RolloutState.SCHEDULED.name(), CanaryOutcome.PENDING.name(),
                        e.rollbackOf(), e.startedBy(), utc(startAt), utc(at), utc(startAt), utc(at))
                .update();
    }

    @EventHandler
    void on(RolloutBegunEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE rollout_view SET state = ?, total = ?, canary_target = ?, begun_at = ?, last_progress_at = ?,
                       updated_at = ? WHERE id = ?""")
                .params(RolloutState.RUNNING.name(), e.total(), e.canaryTarget(), utc(at), utc(at), utc(at), e.rolloutId())
                .update();
    }

    @EventHandler
    void on(RolloutCanaryPassedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE rollout_view SET canary = ?, last_progress_at = ?, updated_at = ? WHERE id = ?")
                .params(CanaryOutcome.PASSED.name(), utc(at), utc(at), e.rolloutId()).update();
    }

    @EventHandler
    void on(RolloutDesktopUpdateStartedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO rollout_desktop (rollout_id, desktop_id, replacement_id, stage, method, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (rollout_id, desktop_id) DO UPDATE SET replacement_id = EXCLUDED.replacement_id,
                    method = EXCLUDED.method, status = EXCLUDED.status, started_at = EXCLUDED.started_at""")
                .params(e.rolloutId(), e.desktopId(), e.replacementId(), e.stage().name(), e.method().name(),
                        RolloutDesktopStatus.IN_PROGRESS.name(), utc(at))
                .update();
        progress(e.rolloutId(), at);
    }

    @EventHandler
    void on(RolloutDesktopUpdatedEvent e, @Timestamp Instant at) {
        desktop(e.rolloutId(), e.desktopId(), RolloutDesktopStatus.UPDATED, null, at);
        progress(e.rolloutId(), at);
    }

    @EventHandler
    void on(RolloutDesktopFailedEvent e, @Timestamp Instant at) {
        desktop(e.rolloutId(), e.desktopId(), RolloutDesktopStatus.FAILED, e.reason(), at);
        if (e.stage() == RolloutStage.CANARY) {
            jdbc.sql("UPDATE rollout_view SET canary = ?, updated_at = ? WHERE id = ?")
                    .params(CanaryOutcome.FAILED.name(), utc(at), e.rolloutId()).update();
        }
    }

    @EventHandler
    void on(RolloutDesktopUpdateAbandonedEvent e) {
        jdbc.sql("DELETE FROM rollout_desktop WHERE rollout_id = ? AND desktop_id = ?").params(e.rolloutId(), e.desktopId())
                .update();
    }

    @EventHandler
    void on(RolloutDesktopAwaitingLogoffEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO rollout_desktop (rollout_id, desktop_id, stage, status, session_id, user_name, logoff_at, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(e.rolloutId(), e.desktopId(), RolloutStage.IN_USE.name(), RolloutDesktopStatus.WAITING_FOR_LOGOFF.name(),
                        e.sessionId(), e.user(), e.logoffAt() == null ? null : utc(e.logoffAt()), utc(at))
                .update();
    }

    @EventHandler
    void on(RolloutLogoffNoticeIssuedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO rollout_notice (rollout_id, desktop_id, before_seconds, session_id, user_name, notice, logoff_at,
                                            issued_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(e.rolloutId(), e.desktopId(), e.before().toSeconds(), e.sessionId(), e.user(), e.notice(),
                        utc(e.logoffAt()), utc(at))
                .update();
    }

    @EventHandler
    void on(RolloutLogoffForcedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE rollout_desktop SET reason = ?, logoff_forced_at = ? WHERE rollout_id = ? AND desktop_id = ?")
                .params(e.reason(), utc(at), e.rolloutId(), e.desktopId()).update();
    }

    @EventHandler
    void on(RolloutPausedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE rollout_view SET state = ?, pause_reason = ?, pause_detail = ?, updated_at = ? WHERE id = ?")
                .params(RolloutState.PAUSED.name(), e.reason().name(), e.detail(), utc(at), e.rolloutId()).update();
    }

    @EventHandler
    void on(RolloutResumedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE rollout_view SET state = CASE WHEN begun_at IS NULL THEN ? ELSE ? END, pause_reason = NULL,
                       pause_detail = NULL, last_progress_at = ?, updated_at = ? WHERE id = ?""")
                .params(RolloutState.SCHEDULED.name(), RolloutState.RUNNING.name(), utc(at), utc(at), e.rolloutId()).update();
    }

    @EventHandler
    void on(RolloutCancelledEvent e, @Timestamp Instant at) {
        finished(e.rolloutId(), RolloutState.CANCELLED, at);
    }

    @EventHandler
    void on(RolloutRolledBackEvent e, @Timestamp Instant at) {
        finished(e.rolloutId(), RolloutState.ROLLED_BACK, at);
        jdbc.sql("UPDATE rollout_view SET rolled_back_by = ? WHERE id = ?").params(e.rollbackRolloutId(), e.rolloutId())
                .update();
    }

    @EventHandler
    void on(RolloutCompletedEvent e, @Timestamp Instant at) {
        finished(e.rolloutId(), RolloutState.COMPLETED, at);
    }

    @EventHandler
    void on(RolloutImageDeletedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO rollout_image_deletion (rollout_id, host_id, template_id, version, deleted_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(e.rolloutId(), e.hostId(), e.templateId(), e.version(), utc(at)).update();
    }

    private void desktop(UUID rolloutId, UUID desktopId, RolloutDesktopStatus status, String reason, Instant at) {
        jdbc.sql("UPDATE rollout_desktop SET status = ?, reason = ?, finished_at = ? WHERE rollout_id = ? AND desktop_id = ?")
                .params(status.name(), reason, utc(at), rolloutId, desktopId).update();
    }

    private void progress(UUID rolloutId, Instant at) {
        jdbc.sql("UPDATE rollout_view SET last_progress_at = ?, updated_at = ? WHERE id = ?")
                .params(utc(at), utc(at), rolloutId).update();
    }

    private void finished(UUID rolloutId, RolloutState state, Instant at) {
        jdbc.sql("UPDATE rollout_view SET state = ?, pause_reason = NULL, finished_at = ?, updated_at = ? WHERE id = ?")
                .params(state.name(), utc(at), utc(at), rolloutId).update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "rollout_view", "rollout_desktop", "rollout_notice", "rollout_image_deletion");
    }
}
