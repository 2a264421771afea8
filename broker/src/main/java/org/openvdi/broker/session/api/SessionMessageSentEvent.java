package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * An admin sent the session's user a message (plain text, shown as text in their desktop tab).
 *
 * @param user whose session it is
 * @param by   the admin who sent it
 */
@Revision("1")
public record SessionMessageSentEvent(UUID sessionId, UUID messageId, String user, String text, String by) {
}
