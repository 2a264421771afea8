package org.openvdi.contract;

import java.util.UUID;

/**
 * A notice for the user of one session, as the broker answers a {@link NoticePoll}: the admin's text and the
 * time left before the session is ended. The gateway hands it to the page through the tunnel as its own
 * instruction {@code openvdi-notice,<id>,<secondsLeft>,<text>}; the page shows the text as text, never as markup.
 *
 * @param sessionId   whose session it is for
 * @param id          stable id of this notice (the rollout and how long before the logoff it was given), so that a
 *                    gateway hands each one to each tunnel once
 * @param text        the admin's notice, {@code null} when none was written
 * @param secondsLeft seconds until the session is ended, counted when the broker answered
 */
public record SessionNotice(UUID sessionId, String id, String text, long secondsLeft) {
}
