package org.openvdi.broker.pool.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pool's limits on its sessions, and what its persistent desktops do when their user leaves them. Every duration
 * is optional: null means no such limit.
 *
 * @param disconnectedAction what a persistent desktop does once its user has been disconnected for
 *                           {@code afterDisconnected}: the session ends and the desktop is suspended or shut down;
 *                           the user's next request resumes (or boots) it. {@link PowerAction#NONE} keeps it running.
 * @param afterDisconnected  how long a user may stay disconnected before {@code disconnectedAction}
 * @param idleLimit          how long a connected session may go without keyboard or mouse input before it is
 *                           disconnected (the desktop and its session stay, and the user reconnects)
 * @param idleWarning        how long before the idle disconnect the page shows a warning banner
 * @param unopenedTimeout    how long a session whose desktop is ready may wait to be opened before it ends; null
 *                           uses {@code openvdi.sessions.unopened-timeout}
 * @param maxLength          how long a session may last from its desktop's assignment; it then ends
 * @param endNotices         how long before the end of {@code maxLength} the page is told, largest first
 */
public record SessionLimits(PowerAction disconnectedAction, Duration afterDisconnected, Duration idleLimit,
                            Duration idleWarning, Duration unopenedTimeout, Duration maxLength, List<Duration> endNotices) {

    /** No limits: what a pool has until an admin sets some. */
    public static final SessionLimits NONE = new SessionLimits(PowerAction.NONE, null, null, null, null, null, List.of());
    /** The longest any limit may be. */
    public static final Duration LONGEST = Duration.ofDays(31);
    /** The shortest any limit may be. */
    public static final Duration SHORTEST = Duration.ofSeconds(1);
    /** The most notices before a session's end. */
    public static final int MAX_NOTICES = 5;

    public SessionLimits {
        disconnectedAction = Objects.requireNonNullElse(disconnectedAction, PowerAction.NONE);
        endNotices = endNotices == null ? List.of()
                : endNotices.stream().filter(Objects::nonNull).distinct().sorted((a, b) -> b.compareTo(a)).toList();
    }

    /** Why these limits cannot be, if they cannot; the pool refuses them with that text. */
    public Optional<String> problem() {
        for (Duration d : allDurations()) {
            if (d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
                return Optional.of("Every limit must be between " + SHORTEST + " and " + LONGEST + " (got " + d + ")");
            }
        }
        if ((disconnectedAction == PowerAction.NONE) != (afterDisconnected == null)) {
            return Optional.of("disconnectedAction SUSPEND or SHUT_DOWN needs afterDisconnected, and afterDisconnected needs one of them");
        }
        if (idleWarning != null && (idleLimit == null || idleWarning.compareTo(idleLimit) >= 0)) {
            return Optional.of("idleWarning needs an idleLimit longer than itself");
        }
        if (endNotices.size() > MAX_NOTICES) {
            return Optional.of("At most " + MAX_NOTICES + " endNotices");
        }
        if (!endNotices.isEmpty() && (maxLength == null || endNotices.get(0).compareTo(maxLength) >= 0)) {
            return Optional.of("endNotices need a maxLength longer than each of them");
        }
        return Optional.empty();
    }

    private List<Duration> allDurations() {
        List<Duration> all = new java.util.ArrayList<>(endNotices);
        for (Duration d : new Duration[] {afterDisconnected, idleLimit, idleWarning, unopenedTimeout, maxLength}) {
            if (d != null) {
                all.add(d);
            }
        }
        return all;
    }
}
