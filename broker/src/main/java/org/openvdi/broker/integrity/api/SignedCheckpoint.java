package org.openvdi.broker.integrity.api;

/**
 * A signed checkpoint of the event chain that was just written to the checkpoint directory: {@code size} sealed
 * events, {@code note} the whole signed note (C2SP signed-note text). Published as a Spring application event for
 * the copies kept elsewhere (Kafka).
 */
public record SignedCheckpoint(String origin, long size, String note) {
}
