package org.openvdi.contract;

import java.time.Instant;
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
 * @param secondsLeft seconds until the session is ended (or, for an idle warning, disconnected), counted when the
 *                    broker answered
 * @param idleSince   set on the notice that a session went past its pool's idle limit: the gateway hands it over and
 *                    closes each of the session's tunnels that was opened before this time and has had no keyboard or
 *                    mouse input since (input the broker has not heard of yet keeps a tunnel open). The desktop and
 *                    its session stay. Null on every other notice, and in answers of brokers that predate it.
 */
public record SessionNotice(UUID sessionId, String id, String text, long secondsLeft, Instant idleSince) {

    /** A notice that leaves the tunnels open. */
    public SessionNotice(UUID sessionId, String id, String text, long secondsLeft) {
        this(sessionId, id, text, secondsLeft, null);
    }

    /** Whether this notice closes idle tunnels. */
    public boolean disconnectsIdle() {
        return idleSince != null;
    }
}
