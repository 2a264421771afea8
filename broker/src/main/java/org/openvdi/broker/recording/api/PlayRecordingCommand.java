package org.openvdi.broker.recording.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An auditor starts playing the recording; the actor is in the message metadata. */
public record PlayRecordingCommand(@TargetAggregateIdentifier UUID recordingId, String clientAddress) {
}
