package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * An auditor fetched the recording to play it (once per playback; the player's further range requests are not
 * recorded again).
 *
 * @param auditor       who played it
 * @param clientAddress from where
 */
@Revision("1")
public record RecordingPlayedEvent(UUID recordingId, UUID sessionId, String auditor, String clientAddress) {
}
