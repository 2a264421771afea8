package org.openvdi.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One connection telemetry record of a gateway on Kafka (topic {@code openvdi.connections}, JSON, key = session
 * id), which the broker records on the session.
 *
 * @param eventId         random id, for de-duplication by consumers
 * @param type            {@code OPENED} or {@code CLOSED}
 * @param sessionId       the broker's session
 * @param desktopId       the desktop that was streamed
 * @param userName        the employee
 * @param gatewayId       the gateway instance that carried the tunnel
 * @param clientAddress   the browser's address as the gateway saw it
 * @param occurredAt      when it happened (ISO-8601 in JSON)
 * @param reason          why the tunnel closed ({@code null} when opened)
 * @param durationMillis  how long the tunnel was open (0 when opened)
 * @param bytesToClient   bytes sent to the browser (0 when opened)
 * @param bytesFromClient bytes received from the browser (0 when opened)
 * @param connectionId    the secret id of the connection from the broker's grant: the broker records only records
 *                        that carry it together with the gateway id that redeemed it
 * @param lastInputAt     when the browser last sent keyboard or mouse input through the tunnel (revision 2; null
 *                        before any input, and in records of revision 1)
 * @param revision        the record's shape: 2 since {@code lastInputAt} and {@link ConnectionEventType#ACTIVITY};
 *                        records without it are revision 1 (read as 0) and are accepted as they are
 */
public record ConnectionEvent(UUID eventId, ConnectionEventType type, UUID sessionId, UUID desktopId,
                              String userName, String gatewayId, String clientAddress, Instant occurredAt,
                              String reason, long durationMillis, long bytesToClient, long bytesFromClient,
                              String connectionId, Instant lastInputAt, int revision) {

    /** The current shape of a record. */
    public static final int REVISION = 2;

    /** A record of revision 1, without the last input. */
    public ConnectionEvent(UUID eventId, ConnectionEventType type, UUID sessionId, UUID desktopId,
                           String userName, String gatewayId, String clientAddress, Instant occurredAt,
                           String reason, long durationMillis, long bytesToClient, long bytesFromClient,
                           String connectionId) {
        this(eventId, type, sessionId, desktopId, userName, gatewayId, clientAddress, occurredAt, reason,
                durationMillis, bytesToClient, bytesFromClient, connectionId, null, 1);
    }

    /** Keeps the connection id out of logs. */
    @Override
    public String toString() {
        return "ConnectionEvent[eventId=" + eventId + ", type=" + type + ", sessionId=" + sessionId + ", gatewayId="
                + gatewayId + "]";
    }

    public static ConnectionEvent opened(ConnectionSubject subject, Instant at) {
        return new ConnectionEvent(UUID.randomUUID(), ConnectionEventType.OPENED, subject.sessionId(),
                subject.desktopId(), subject.userName(), subject.gatewayId(), subject.clientAddress(), at,
                null, 0, 0, 0, subject.connectionId(), null, REVISION);
    }

    public static ConnectionEvent closed(ConnectionSubject subject, Instant openedAt, Instant at, String reason,
                                         long bytesToClient, long bytesFromClient) {
        return closed(subject, openedAt, at, reason, bytesToClient, bytesFromClient, null);
    }

    public static ConnectionEvent closed(ConnectionSubject subject, Instant openedAt, Instant at, String reason,
                                         long bytesToClient, long bytesFromClient, Instant lastInputAt) {
        return new ConnectionEvent(UUID.randomUUID(), ConnectionEventType.CLOSED, subject.sessionId(),
                subject.desktopId(), subject.userName(), subject.gatewayId(), subject.clientAddress(), at,
                reason, Duration.between(openedAt, at).toMillis(), bytesToClient, bytesFromClient, subject.connectionId(),
                lastInputAt, REVISION);
    }

    /** The user of an open tunnel gave keyboard or mouse input, last at {@code lastInputAt}. */
    public static ConnectionEvent activity(ConnectionSubject subject, Instant at, Instant lastInputAt) {
        return new ConnectionEvent(UUID.randomUUID(), ConnectionEventType.ACTIVITY, subject.sessionId(),
                subject.desktopId(), subject.userName(), subject.gatewayId(), subject.clientAddress(), at,
                null, 0, 0, 0, subject.connectionId(), lastInputAt, REVISION);
    }
}
