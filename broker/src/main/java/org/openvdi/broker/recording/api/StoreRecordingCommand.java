package org.openvdi.broker.recording.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The recording's file is complete: its size and SHA-256 as the broker read it. A repeat is a no-op. */
public record StoreRecordingCommand(@TargetAggregateIdentifier UUID recordingId, long sizeBytes, String sha256,
                                    Instant storedAt) {
}
