package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A browser was connected to the session's desktop through a gateway.
 *
 * @param openConnections tunnels open to this session after this one opened (two tabs make two)
 */
@Revision("1")
public record SessionConnectedEvent(UUID sessionId, UUID desktopId, String user, String gatewayId, String clientAddress,
                                    Instant connectedAt, int openConnections) {
}
