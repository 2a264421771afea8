package org.openvdi.broker.recording.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A gateway was granted a connection to a desktop of a pool that records: guacd records it into {@code fileName}.
 *
 * @param recordingId our id of the recording, drawn at the redemption
 * @param fileName    the file guacd writes in the recordings directory, derived from our ids only
 */
public record StartRecordingCommand(@TargetAggregateIdentifier UUID recordingId, UUID sessionId, UUID desktopId,
                                    UUID poolId, String user, String fileName, Instant startedAt) {
}
