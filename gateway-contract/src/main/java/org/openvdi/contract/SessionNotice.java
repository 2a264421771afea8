package org.openvdi.contract;

import java.time.Instant;
import java.util.List;
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
 * @param viewer      set on the notice that cuts a viewer off: the gateway closes the tunnels of the session that this
 *                    viewer (a user who joined through a share link) has open, with {@code cut} as the reason; the
 *                    session's own tunnels stay. Null on every other notice.
 * @param cut         why the viewer is cut off; set exactly when {@code viewer} is
 * @param watching    set on the notice that tells the owner's tunnels who watches the session through other gateways
 *                    than the one that asked (empty: nobody); the gateway adds the viewers it carries itself. Null on
 *                    every other notice, and for sessions that were never joined.
 * @param shareId     set on a notice that cuts a viewer off: only the viewer's tunnels opened through this share link
 *                    ({@link ConnectionGrant#shareId()}) close; a tunnel of the same viewer through another link stays.
 *                    Null from older brokers: then every tunnel of the viewer closes.
 */
public record SessionNotice(UUID sessionId, String id, String text, long secondsLeft, Instant idleSince,
                            String viewer, ViewerCut cut, List<Watcher> watching, UUID shareId) {

    public SessionNotice {
        if ((viewer == null) != (cut == null)) {
            throw new IllegalArgumentException("a viewer's cut needs both the viewer and the reason");
        }
        watching = watching == null ? null : List.copyOf(watching);
    }

    /** A notice that leaves the tunnels open, or (with {@code idleSince}) closes idle ones. */
    public SessionNotice(UUID sessionId, String id, String text, long secondsLeft, Instant idleSince) {
        this(sessionId, id, text, secondsLeft, idleSince, null, null, null, null);
    }

    /** A notice that leaves the tunnels open. */
    public SessionNotice(UUID sessionId, String id, String text, long secondsLeft) {
        this(sessionId, id, text, secondsLeft, null);
    }

    /**
     * The notice that cuts {@code viewer}'s tunnels opened through share {@code shareId} off from the session, for the
     * reason {@code cut}.
     */
    public static SessionNotice cutViewer(UUID sessionId, String id, String viewer, ViewerCut cut, UUID shareId) {
        return new SessionNotice(sessionId, id, null, 0, null, viewer, cut, null, shareId);
    }

    /** The notice that tells the owner's tunnels who watches through other gateways. */
    public static SessionNotice watchers(UUID sessionId, List<Watcher> watching) {
        return new SessionNotice(sessionId, "watching/" + sessionId, null, 0, null, null, null, watching, null);
    }

    /** Whether this notice cuts a viewer off. */
    public boolean cutsViewer() {
        return viewer != null;
    }

    /** Whether this notice tells who watches. */
    public boolean tellsWatchers() {
        return watching != null;
    }

    /** Whether this notice closes idle tunnels. */
    public boolean disconnectsIdle() {
        return idleSince != null;
    }
}
