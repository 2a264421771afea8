package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The session's user (or an admin) withdrew a share. */
@Revision("1")
public record ShareRevokedEvent(UUID sessionId, UUID shareId, String viewer, String by) {
}
