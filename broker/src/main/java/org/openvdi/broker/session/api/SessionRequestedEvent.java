package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record SessionRequestedEvent(UUID sessionId, UUID poolId, String user) {
}
