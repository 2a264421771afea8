package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The recording was deleted; its file is removed after this event is stored (and again by every retention sweep
 * until it is gone).
 *
 * @param reason    retention, or an auditor's request
 * @param deletedBy who deleted it ({@code system} for retention)
 */
@Revision("1")
public record RecordingDeletedEvent(UUID recordingId, UUID sessionId, RecordingDeletionReason reason, String deletedBy) {
}
