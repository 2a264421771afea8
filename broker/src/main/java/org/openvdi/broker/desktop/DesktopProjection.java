package org.openvdi.broker.desktop;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.desktop.api.*;
import org.openvdi.broker.store.ReadModelReset;
import org.openvdi.broker.store.ReadModelWrites;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code desktop_view} in step with the desktop events. */
@Component
@ProcessingGroup("projections")
class DesktopProjection {

    private final JdbcClient jdbc;
    private final ReadModelWrites writes;

    DesktopProjection(JdbcClient jdbc, ReadModelWrites writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    @EventHandler
    void on(DesktopProvisioningRequestedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), """
                INSERT INTO desktop_view (id, pool_id, host_id, template_id, template_version, state, owner,
                                          requested_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                e.desktopId(), e.poolId(), e.hostId(), e.templateId(), e.templateVersion(),
                DesktopState.REQUESTED.name(), e.owner(), utc(at), utc(at));
    }

    @EventHandler
    void on(DesktopVolumeClonedEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.CLONED, at);
    }

    @EventHandler
    void on(DesktopUserDiskCreatedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET user_disk_gib = ?, updated_at = ? WHERE id = ?",
                e.sizeGiB(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopDomainDefinedEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.DEFINED, at);
    }

    @EventHandler
    void on(DesktopStartedEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.STARTED, at);
    }

    @EventHandler
    void on(DesktopGuestAgentAnsweredEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET guest_agent_at = ?, updated_at = ? WHERE id = ?",
                utc(at), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopBecameReadyEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, display_host = ?, display_port = ?, ready_at = ?, updated_at = ? WHERE id = ?",
                DesktopState.READY.name(), e.displayHost(), e.displayPort(), utc(at), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopFailedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, failure_reason = ?, updated_at = ? WHERE id = ?",
                DesktopState.FAILED.name(), e.step() + ": " + e.reason(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopAssignedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), """
                UPDATE desktop_view SET state = ?, session_id = ?, assigned_user = ?,
                       owner = CASE WHEN ? THEN ? ELSE owner END, updated_at = ? WHERE id = ?""",
                DesktopState.ASSIGNED.name(), e.sessionId(), e.user(), e.claimed(), e.user(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopReleasedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, session_id = NULL, assigned_user = NULL, updated_at = ? WHERE id = ?",
                DesktopState.READY.name(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopRecycledEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, keep_user_disk = ?, updated_at = ? WHERE id = ?",
                DesktopState.RECYCLING.name(), e.keepUserDisk(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopLostEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, failure_reason = ?, updated_at = ? WHERE id = ?",
                DesktopState.LOST.name(), e.reason(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopDestroyedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, session_id = NULL, display_port = NULL, updated_at = ? WHERE id = ?",
                DesktopState.DESTROYED.name(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopPoweredOffEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.POWERED_OFF, at);
    }

    @EventHandler
    void on(DesktopSuspendRequestedEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.SUSPENDING, at);
    }

    @EventHandler
    void on(DesktopSuspendedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, display_port = NULL, updated_at = ? WHERE id = ?",
                DesktopState.SUSPENDED.name(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopPowerOnRequestedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, failure_reason = NULL, updated_at = ? WHERE id = ?",
                DesktopState.DEFINED.name(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopPowerOnFailedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), "UPDATE desktop_view SET state = ?, failure_reason = ?, display_port = NULL, updated_at = ? WHERE id = ?",
                DesktopState.POWERED_OFF.name(), e.step() + ": " + e.reason(), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopRecompositionStartedEvent e, @Timestamp Instant at) {
        state(e.desktopId(), DesktopState.RECOMPOSING, at);
    }

    /** Provisioned again from the start on the new version: its readiness and display are those of the new build. */
    @EventHandler
    void on(DesktopRecomposedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), """
                UPDATE desktop_view SET state = ?, template_version = ?, requested_at = ?, ready_at = NULL,
                       display_port = NULL, failure_reason = NULL, updated_at = ? WHERE id = ?""",
                DesktopState.REQUESTED.name(), e.templateVersion(), utc(at), utc(at), e.desktopId());
    }

    @EventHandler
    void on(DesktopMoveRequestedEvent e, @Timestamp Instant at) {
        move(e.desktopId(), e.toHostId(), DesktopMovePhase.REQUESTED, at);
    }

    @EventHandler
    void on(DesktopMoveStartedEvent e, @Timestamp Instant at) {
        move(e.desktopId(), e.toHostId(), DesktopMovePhase.STARTED, at);
    }

    @EventHandler
    void on(DesktopMoveCopiedEvent e, @Timestamp Instant at) {
        move(e.desktopId(), e.toHostId(), DesktopMovePhase.COPIED, at);
    }

    @EventHandler
    void on(DesktopMoveFailedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), """
                UPDATE desktop_view SET state = ?, move_to_host = NULL, move_phase = NULL, failure_reason = ?,
                       updated_at = ? WHERE id = ?""",
                DesktopState.POWERED_OFF.name(), "move: " + e.reason(), utc(at), e.desktopId());
    }

    /** It lives on its new host now. */
    @EventHandler
    void on(DesktopMoveFinishedEvent e, @Timestamp Instant at) {
        writes.update(e.desktopId(), """
                UPDATE desktop_view SET state = ?, host_id = ?, move_to_host = NULL, move_phase = NULL,
                       display_port = NULL, failure_reason = NULL, updated_at = ? WHERE id = ?""",
                DesktopState.POWERED_OFF.name(), e.toHostId(), utc(at), e.desktopId());
    }

    private void move(UUID desktopId, UUID to, DesktopMovePhase phase, Instant at) {
        writes.update(desktopId, "UPDATE desktop_view SET state = ?, move_to_host = ?, move_phase = ?, updated_at = ? WHERE id = ?",
                DesktopState.MOVING.name(), to, phase.name(), utc(at), desktopId);
    }

    private void state(UUID desktopId, DesktopState state, Instant at) {
        writes.update(desktopId, "UPDATE desktop_view SET state = ?, updated_at = ? WHERE id = ?",
                state.name(), utc(at), desktopId);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "desktop_view");
    }
}
