package org.openvdi.broker.pool;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/**
 * Reads the deadline of a pool's deletion: none (the configured default from now), {@code now}, an ISO-8601
 * duration from now ({@code PT30M}), or an ISO-8601 time with its offset ({@code 2026-12-01T18:00:00Z}). A time
 * up to a minute past counts as now (clocks differ); further in the past, or beyond the configured maximum, it is
 * refused. The answer is cut to whole seconds.
 */
final class DrainDeadline {

    private static final Duration SKEW = Duration.ofMinutes(1);
    static final int MAX_LENGTH = 64;
    /** What "now", a duration and a time with offset are made of: nothing else reaches the parsers. */
    private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile("[0-9A-Za-z:.+\\-]+");

    private DrainDeadline() {
    }

    static Instant parse(String raw, Instant now, PoolDrainProperties settings) {
        Instant deadline = read(raw, now, settings);
        if (deadline.isBefore(now.minus(SKEW))) {
            throw invalid("The deadline is in the past: use \"now\" to end the sessions at once");
        }
        if (deadline.isAfter(now.plus(settings.maxDeadline()))) {
            throw invalid("The deadline may be at most " + settings.maxDeadline() + " from now");
        }
        return (deadline.isBefore(now) ? now : deadline).truncatedTo(ChronoUnit.SECONDS);
    }

    private static Instant read(String raw, Instant now, PoolDrainProperties settings) {
        if (raw == null || raw.isBlank()) {
            return now.plus(settings.defaultDeadline());
        }
        String text = raw;
        if (text.length() > MAX_LENGTH) {
            throw invalid("The deadline is too long");
        }
        if (!SHAPE.matcher(text).matches()) {
            throw invalid("The deadline has characters no deadline has");
        }
        if (text.equalsIgnoreCase("now")) {
            return now;
        }
        try {
            if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
                Duration after = Duration.parse(text);
                if (after.isNegative()) {
                    throw invalid("The deadline's duration is negative");
                }
                return now.plus(after);
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw invalid("The deadline is neither \"now\", an ISO-8601 duration (PT15M) nor an ISO-8601 time with offset");
        }
    }

    private static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.VALIDATION_FAILED, message, "deadline");
    }
}
