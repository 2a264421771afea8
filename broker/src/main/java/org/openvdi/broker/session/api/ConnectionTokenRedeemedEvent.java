package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A gateway redeemed a token: it may now connect the user's browser to the desktop.
 *
 * @param connectionHash SHA-256 (hex) of the connection id handed to that gateway with the grant: the gateway's
 *                       telemetry about this connection must carry the id and the same gateway id, or it is refused
 *                       (null in events recorded before revision 2)
 */
@Revision("2")
public record ConnectionTokenRedeemedEvent(UUID sessionId, UUID tokenId, UUID desktopId, String user, String gatewayId,
                                           String clientAddress, String connectionHash) {
}
