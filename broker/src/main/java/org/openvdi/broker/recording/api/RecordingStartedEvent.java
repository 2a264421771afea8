package org.openvdi.broker.recording.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The broker told a gateway to record a connection of a session: guacd writes it into {@code fileName}.
 *
 * @param fileName the recording's file in the recordings directory ({@code <session id>-<recording id>.guac})
 */
@Revision("1")
public record RecordingStartedEvent(UUID recordingId, UUID sessionId, UUID desktopId, UUID poolId, String user,
                                    String fileName, Instant startedAt) {
}
