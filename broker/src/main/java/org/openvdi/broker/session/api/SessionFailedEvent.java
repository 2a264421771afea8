package org.openvdi.broker.session.api;

import java.util.UUID;
import org.openvdi.broker.error.ErrorCode;
import org.axonframework.serialization.Revision;

@Revision("1")
public record SessionFailedEvent(UUID sessionId, ErrorCode code, String reason) {
}
