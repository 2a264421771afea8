package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A gateway redeemed a token: it may now connect the user's browser to the desktop. */
@Revision("1")
public record ConnectionTokenRedeemedEvent(UUID sessionId, UUID tokenId, UUID desktopId, String user, String gatewayId,
                                           String clientAddress) {
}
