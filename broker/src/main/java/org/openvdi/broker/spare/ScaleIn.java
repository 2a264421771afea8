package org.openvdi.broker.spare;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Hysteresis for scale-in. A pool removes surplus spares only after it has had more ready spares than its
 * target for a whole settle time without a break; any moment without surplus (the target rose to the spares,
 * or a spare was taken) starts the clock again. So a target that oscillates faster than the settle time never
 * makes the pool destroy and re-provision desktops.
 *
 * <p>The caller keeps one {@code surplusSince} per pool and feeds each observation through
 * {@link #surplusSince}; {@link #toRemove} then says how many spares to remove now.
 */
public final class ScaleIn {

    private ScaleIn() {
    }

    /**
     * The start of the current uninterrupted surplus after this observation: null when there is no surplus
     * ({@code readySpares <= target}), {@code previous} when the surplus continues, {@code now} when it begins.
     */
    public static Instant surplusSince(Instant previous, int readySpares, int target, Instant now) {
        Objects.requireNonNull(now, "now is required");
        if (readySpares <= target) {
            return null;
        }
        return previous != null ? previous : now;
    }

    /**
     * How many surplus spares to remove now: all of {@code readySpares - target} once the surplus has lasted
     * {@code settle} (since {@code surplusSince}), otherwise none. Null {@code surplusSince} means no surplus.
     */
    public static int toRemove(int readySpares, int target, Instant surplusSince, Instant now, Duration settle) {
        Objects.requireNonNull(now, "now is required");
        Objects.requireNonNull(settle, "settle is required");
        if (readySpares <= target || surplusSince == null) {
            return 0;
        }
        if (Duration.between(surplusSince, now).compareTo(settle) < 0) {
            return 0;
        }
        return readySpares - Math.max(0, target);
    }
}
