package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** guacd wrote no file for the recording (the connection failed before it began, or the directory is not shared). */
@Revision("1")
public record RecordingMissingEvent(UUID recordingId, UUID sessionId, String reason) {
}
