package org.openvdi.broker.telemetry;

import java.time.Instant;
import java.util.UUID;

/**
 * One record of the gateways' topic {@code openvdi.connections} (JSON, key = session id).
 *
 * @param eventId         random id of the record: a record delivered twice is recorded once
 * @param type            OPENED or CLOSED
 * @param reason          why the tunnel closed (CLOSED only)
 * @param durationMillis  how long the tunnel was open (CLOSED only)
 * @param bytesToClient   bytes sent to the browser (CLOSED only)
 * @param bytesFromClient bytes received from the browser (CLOSED only)
 */
record ConnectionTelemetryRecord(UUID eventId, ConnectionEventType type, UUID sessionId, UUID desktopId, String userName,
                                 String gatewayId, String clientAddress, Instant occurredAt, String reason,
                                 long durationMillis, long bytesToClient, long bytesFromClient) {

    /** Refuses a record that cannot be recorded, however often it is retried. */
    ConnectionTelemetryRecord {
        if (eventId == null || type == null || sessionId == null || occurredAt == null) {
            throw new InvalidTelemetryException("A telemetry record needs eventId, type, sessionId and occurredAt");
        }
    }
}
