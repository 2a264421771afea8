package org.openvdi.broker.recording;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.recording.api.RecordingDeletedEvent;
import org.openvdi.broker.recording.api.RecordingMissingEvent;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.RecordingStartedEvent;
import org.openvdi.broker.recording.api.RecordingState;
import org.openvdi.broker.recording.api.RecordingStoredEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code recording_view} in step with the recording events. */
@Component
@ProcessingGroup("projections")
class RecordingProjection {

    private final JdbcClient jdbc;

    RecordingProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RecordingStartedEvent e) {
        jdbc.sql("""
                INSERT INTO recording_view (id, session_id, desktop_id, pool_id, user_name, file_name, state, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")
                .params(e.recordingId(), e.sessionId(), e.desktopId(), e.poolId(), e.user(), e.fileName(),
                        RecordingState.RECORDING.name(), utc(e.startedAt()))
                .update();
    }

    @EventHandler
    void on(RecordingStoredEvent e) {
        jdbc.sql("UPDATE recording_view SET state = ?, size_bytes = ?, sha256 = ?, stored_at = ? WHERE id = ?")
                .params(RecordingState.STORED.name(), e.sizeBytes(), e.sha256(), utc(e.storedAt()), e.recordingId())
                .update();
    }

    @EventHandler
    void on(RecordingMissingEvent e) {
        jdbc.sql("UPDATE recording_view SET state = ?, missing_reason = ? WHERE id = ?")
                .params(RecordingState.MISSING.name(), e.reason(), e.recordingId()).update();
    }

    @EventHandler
    void on(RecordingPlayedEvent e) {
        jdbc.sql("UPDATE recording_view SET plays = plays + 1 WHERE id = ?").param(e.recordingId()).update();
    }

    @EventHandler
    void on(RecordingDeletedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE recording_view SET state = ?, deleted_at = ?, deleted_reason = ?, deleted_by = ? WHERE id = ?")
                .params(RecordingState.DELETED.name(), utc(at), e.reason().name(), e.deletedBy(), e.recordingId())
                .update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "recording_view");
    }
}
