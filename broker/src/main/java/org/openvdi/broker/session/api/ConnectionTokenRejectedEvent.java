package org.openvdi.broker.session.api;

import java.util.UUID;
import org.openvdi.broker.error.ErrorCode;
import org.axonframework.serialization.Revision;

/**
 * A presented token was refused; {@code code} is the error code the gateway got (TOKEN_EXPIRED,
 * TOKEN_ALREADY_USED, ...). {@code tokenId} is null when the session never issued that token.
 */
@Revision("1")
public record ConnectionTokenRejectedEvent(UUID sessionId, UUID tokenId, ErrorCode code, String gatewayId,
                                           String clientAddress) {
}
