package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A session ended.
 *
 * @param cause why, as a code (revision 2; events of revision 1 have none and read as null)
 */
@Revision("2")
public record SessionEndedEvent(UUID sessionId, UUID desktopId, String user, String reason, String by, SessionEndCause cause) {

    /** An end without a cause code. */
    public SessionEndedEvent(UUID sessionId, UUID desktopId, String user, String reason, String by) {
        this(sessionId, desktopId, user, reason, by, null);
    }
}
