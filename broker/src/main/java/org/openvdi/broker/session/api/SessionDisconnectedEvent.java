package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A tunnel to the session's desktop closed. When no tunnel is left open the session is
 * DISCONNECTED: it keeps its desktop until it reconnects or the disconnect timeout ends it.
 *
 * @param openConnections tunnels still open to this session after this one closed
 */
@Revision("1")
public record SessionDisconnectedEvent(UUID sessionId, UUID desktopId, String user, String gatewayId, String reason,
                                       long durationMillis, long bytesToClient, long bytesFromClient,
                                       Instant disconnectedAt, int openConnections) {
}
