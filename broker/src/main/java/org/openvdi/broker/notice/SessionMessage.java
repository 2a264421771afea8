package org.openvdi.broker.notice;

import java.time.Instant;
import java.util.UUID;

/** A message an admin sent to the user of a session: plain text, which the desktop tab shows as text. */
record SessionMessage(UUID id, UUID sessionId, String user, String text, String sentBy, Instant sentAt) {
}
