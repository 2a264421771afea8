package org.openvdi.broker.recording;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads {@code recording_view}: for the API, and for the scanner that completes, and the sweep that expires, files. */
@Component
public class RecordingQueries {

    /** A recording with the name of its file, which never leaves the broker. */
    record Located(RecordingView view, String fileName) {
    }

    private final JdbcClient jdbc;

    RecordingQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The recordings of a session, oldest first. */
    public List<RecordingView> ofSession(UUID sessionId) {
        return jdbc.sql("SELECT * FROM recording_view WHERE session_id = ? ORDER BY started_at, id").param(sessionId)
                .query((rs, row) -> map(rs)).list();
    }

    public Optional<RecordingView> find(UUID id) {
        return locate(id).map(Located::view);
    }

    Optional<Located> locate(UUID id) {
        return jdbc.sql("SELECT * FROM recording_view WHERE id = ?").param(id)
                .query((rs, row) -> new Located(map(rs), rs.getString("file_name"))).optional();
    }

    /** Recordings in a state, oldest first. */
    List<Located> inState(RecordingState state, int limit) {
        return jdbc.sql("SELECT * FROM recording_view WHERE state = ? ORDER BY started_at LIMIT ?")
                .params(state.name(), limit).query((rs, row) -> new Located(map(rs), rs.getString("file_name"))).list();
    }

    /** Recordings not yet deleted that were started before {@code cutoff}, oldest first. */
    List<Located> startedBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                SELECT * FROM recording_view WHERE state <> ? AND started_at < ? ORDER BY started_at LIMIT ?""")
                .params(RecordingState.DELETED.name(), utc(cutoff), limit)
                .query((rs, row) -> new Located(map(rs), rs.getString("file_name"))).list();
    }

    /** The most recently deleted recordings, whose files the scanner removes again if they are still there. */
    List<Located> recentlyDeleted(int limit) {
        return jdbc.sql("SELECT * FROM recording_view WHERE state = ? ORDER BY deleted_at DESC LIMIT ?")
                .params(RecordingState.DELETED.name(), limit)
                .query((rs, row) -> new Located(map(rs), rs.getString("file_name"))).list();
    }

    /** Whether the session has a recording started after this one (a later connection of the same session). */
    boolean hasLaterRecording(UUID sessionId, Instant startedAt) {
        return jdbc.sql("SELECT count(*) FROM recording_view WHERE session_id = ? AND started_at > ?")
                .params(sessionId, utc(startedAt)).query(Long.class).single() > 0;
    }

    private static RecordingView map(ResultSet rs) throws SQLException {
        long size = rs.getLong("size_bytes");
        Long sizeBytes = rs.wasNull() ? null : size;
        String deletedReason = rs.getString("deleted_reason");
        return new RecordingView(rs.getObject("id", UUID.class), rs.getObject("session_id", UUID.class),
                rs.getObject("desktop_id", UUID.class), rs.getObject("pool_id", UUID.class), rs.getString("user_name"),
                RecordingState.valueOf(rs.getString("state")), sizeBytes, rs.getString("sha256"),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("stored_at")),
                rs.getString("missing_reason"), rs.getInt("plays"), instant(rs.getTimestamp("deleted_at")),
                deletedReason == null ? null : RecordingDeletionReason.valueOf(deletedReason), rs.getString("deleted_by"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
