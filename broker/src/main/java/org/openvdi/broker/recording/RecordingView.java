package org.openvdi.broker.recording;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingState;

/**
 * One recorded connection as auditors see it. The file's name and place are not part of it: a recording is
 * addressed by its id only ({@code /api/recordings/{id}/file}).
 *
 * @param sizeBytes size of the stored file (null until stored)
 * @param sha256    SHA-256 of the stored file (null until stored)
 * @param plays     how often auditors played it
 */
public record RecordingView(UUID id, UUID sessionId, UUID desktopId, UUID poolId, String user, RecordingState state,
                            Long sizeBytes, String sha256, Instant startedAt, Instant storedAt, String missingReason,
                            int plays, Instant deletedAt, RecordingDeletionReason deletedReason, String deletedBy) {
}
