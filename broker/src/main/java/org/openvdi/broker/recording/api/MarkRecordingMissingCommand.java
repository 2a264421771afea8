package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** No file appeared for the recording after its connection had ended. A repeat is a no-op. */
public record MarkRecordingMissingCommand(@TargetAggregateIdentifier UUID recordingId, String reason) {
}
