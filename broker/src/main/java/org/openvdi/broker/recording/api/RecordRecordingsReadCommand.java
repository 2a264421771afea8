package org.openvdi.broker.recording.api;

import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Records that {@code reader} read the recordings' data (a session's list of recordings, or one recording's facts)
 * with {@code filters} and got {@code count} of them. The audit log records it as a read of audit data, like its
 * own answers; playing a recording is {@link RecordingPlayedEvent}.
 */
public record RecordRecordingsReadCommand(@TargetAggregateIdentifier UUID readId, String reader,
                                          Map<String, String> filters, long count) {
}
