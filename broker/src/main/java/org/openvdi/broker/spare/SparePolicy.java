package org.openvdi.broker.spare;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How many ready spare desktops a pool keeps warm. Pure values: no Spring, no I/O, no other broker
 * package, so the live capacity process and the backtest's simulation share the very same decision
 * ({@link SpareTargets}).
 *
 * <p>Every record checks its own invariants and throws {@link IllegalArgumentException} with a
 * readable message when they fail (counts are never negative, lists are never longer than
 * {@link #MAX_WINDOWS}, a window never starts and ends at the same minute).
 *
 * <p>Stored and sent as JSON with a {@code type} member ({@code STATIC}, {@code SCHEDULE}, {@code PREDICTIVE}):
 * the Jackson annotations are the only library this package names, and they are metadata only.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SparePolicy.Static.class, name = "STATIC"),
        @JsonSubTypes.Type(value = SparePolicy.Schedule.class, name = "SCHEDULE"),
        @JsonSubTypes.Type(value = SparePolicy.Predictive.class, name = "PREDICTIVE")})
public sealed interface SparePolicy {

    /** At most this many windows in one schedule. */
    int MAX_WINDOWS = 100;

    /** At most this many spares in any count of a policy (a sanity bound; the pool's maxSize clamps further). */
    int MAX_SPARES = 10_000;

    /** The kind of a policy, for storage and display. */
    enum Kind { STATIC, SCHEDULE, PREDICTIVE }

    Kind kind();

    /** The smallest spare count the policy applies when it has nothing better to go on. */
    int baseline();

    /** A fixed number of spares at all times (the pool's {@code minSpare} before spare policies existed). */
    record Static(int spares) implements SparePolicy {
        public Static {
            count("spares", spares);
        }

        @Override
        public Kind kind() {
            return Kind.STATIC;
        }

        @Override
        public int baseline() {
            return spares;
        }
    }

    /**
     * Windows in the pool's zone, each with its spare count; {@code otherwise} outside all windows.
     * When windows overlap the largest count wins. A window whose {@code to} is before its {@code from}
     * crosses midnight: it starts on one of its {@code days} and ends on the next day. Windows are read
     * in local wall-clock time, so on the day clocks go forward a window inside the skipped hour never
     * applies, and on the day they go back a window inside the repeated hour applies twice.
     */
    record Schedule(ZoneId zone, List<Window> windows, int otherwise) implements SparePolicy {
        public Schedule {
            Objects.requireNonNull(zone, "zone is required");
            Objects.requireNonNull(windows, "windows are required");
            if (windows.size() > MAX_WINDOWS) {
                throw new IllegalArgumentException("at most " + MAX_WINDOWS + " windows");
            }
            windows.forEach(w -> Objects.requireNonNull(w, "a window must not be null"));
            windows = List.copyOf(windows);
            count("otherwise", otherwise);
        }

        @Override
        public Kind kind() {
            return Kind.SCHEDULE;
        }

        @Override
        public int baseline() {
            return otherwise;
        }
    }

    /**
     * {@code spares} from {@code from} (inclusive) to {@code to} (exclusive) on each of {@code days}, in the
     * schedule's zone; when {@code to} is before {@code from} the window crosses midnight and {@code days}
     * are the days on which it starts.
     */
    record Window(Set<DayOfWeek> days, LocalTime from, LocalTime to, int spares) {
        public Window {
            Objects.requireNonNull(days, "days are required");
            if (days.isEmpty()) {
                throw new IllegalArgumentException("a window needs at least one day");
            }
            days.forEach(d -> Objects.requireNonNull(d, "a day must not be null"));
            days = Set.copyOf(EnumSet.copyOf(days));
            Objects.requireNonNull(from, "from is required");
            Objects.requireNonNull(to, "to is required");
            if (from.equals(to)) {
                throw new IllegalArgumentException("a window must not start and end at the same time");
            }
            count("spares", spares);
        }

        /** Whether it crosses midnight. */
        public boolean crossesMidnight() {
            return to.isBefore(from);
        }

        /** Whether this window covers the given local day and time. */
        public boolean covers(DayOfWeek day, LocalTime time) {
            if (!crossesMidnight()) {
                return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
            }
            return days.contains(day) && !time.isBefore(from)
                    || days.contains(day.minus(1)) && time.isBefore(to);
        }
    }

    /**
     * The forecast requests within the provisioning lead time, times {@code (1 + safetyMargin)}, rounded up,
     * within [{@code minSpare}, {@code maxSpare}]. With {@code forecastOnly} the live process records the
     * target it would use but keeps {@code minSpare}; the pure decision in {@link SpareTargets#target} always
     * returns the forecast target (see {@link SpareTargets#applied}).
     */
    record Predictive(double safetyMargin, int minSpare, int maxSpare, boolean forecastOnly) implements SparePolicy {
        /** The largest safety margin accepted (ten times the forecast). */
        public static final double MAX_SAFETY_MARGIN = 10.0;

        public Predictive {
            if (!Double.isFinite(safetyMargin) || safetyMargin < 0 || safetyMargin > MAX_SAFETY_MARGIN) {
                throw new IllegalArgumentException("safetyMargin must be between 0 and " + MAX_SAFETY_MARGIN);
            }
            count("minSpare", minSpare);
            count("maxSpare", maxSpare);
            if (maxSpare < minSpare) {
                throw new IllegalArgumentException("maxSpare must not be below minSpare");
            }
        }

        @Override
        public Kind kind() {
            return Kind.PREDICTIVE;
        }

        @Override
        public int baseline() {
            return minSpare;
        }
    }

    private static void count(String name, int value) {
        if (value < 0 || value > MAX_SPARES) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_SPARES);
        }
    }
}
