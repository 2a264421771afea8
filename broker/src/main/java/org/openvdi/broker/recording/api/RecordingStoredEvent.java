package org.openvdi.broker.recording.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The recording's file is complete and stays as it is until it is deleted.
 *
 * @param sizeBytes the file's size
 * @param sha256    the file's SHA-256 (lower-case hex): playback serves only a file that still has it
 */
@Revision("1")
public record RecordingStoredEvent(UUID recordingId, UUID sessionId, long sizeBytes, String sha256, Instant storedAt) {
}
