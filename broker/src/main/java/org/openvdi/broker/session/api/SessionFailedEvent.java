package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record SessionFailedEvent(UUID sessionId, String code, String reason) {
}
