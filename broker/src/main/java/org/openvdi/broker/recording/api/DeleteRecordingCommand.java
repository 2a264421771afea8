package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Deletes a recording: its file goes, its events stay. A repeat is a no-op. */
public record DeleteRecordingCommand(@TargetAggregateIdentifier UUID recordingId, RecordingDeletionReason reason) {
}
