package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record SessionEndedEvent(UUID sessionId, UUID desktopId, String user, String reason, String by) {
}
