package org.openvdi.broker.telemetry;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.telemetry.api.ConnectionEventType;

/**
 * One record of the gateways' topic {@code openvdi.connections} (JSON, key = session id).
 *
 * @param eventId         random id of the record: a record delivered twice is recorded once
 * @param type            OPENED or CLOSED
 * @param connectionId    the secret id of the connection the broker handed to the gateway at redemption; without
 *                        the right one (and the same gateway id and session) the record is refused
 * @param reason          why the tunnel closed (CLOSED only)
 * @param durationMillis  how long the tunnel was open (CLOSED only)
 * @param bytesToClient   bytes sent to the browser (CLOSED only)
 * @param bytesFromClient bytes received from the browser (CLOSED only)
 */
record ConnectionTelemetryRecord(UUID eventId, ConnectionEventType type, UUID sessionId, UUID desktopId, String userName,
                                 String gatewayId, String clientAddress, Instant occurredAt, String reason,
                                 long durationMillis, long bytesToClient, long bytesFromClient, String connectionId) {

    /** Refuses a record that cannot be recorded, however often it is retried. */
    ConnectionTelemetryRecord {
        if (eventId == null || type == null || sessionId == null || occurredAt == null) {
            throw new InvalidTelemetryException("A telemetry record needs eventId, type, sessionId and occurredAt");
        }
    }

    /** Keeps the connection id out of logs. */
    @Override
    public String toString() {
        return "ConnectionTelemetryRecord[eventId=" + eventId + ", type=" + type + ", sessionId=" + sessionId
                + ", gatewayId=" + gatewayId + "]";
    }
}
