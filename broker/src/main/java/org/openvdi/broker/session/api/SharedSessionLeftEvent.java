package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A viewer's tunnel of a shared session closed: {@code reason} is the gateway's close reason. */
@Revision("1")
public record SharedSessionLeftEvent(UUID sessionId, UUID shareId, String viewer, String gatewayId, String reason,
                                     Instant leftAt) {
}
