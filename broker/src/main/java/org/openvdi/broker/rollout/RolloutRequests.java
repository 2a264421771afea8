package org.openvdi.broker.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.rollout.api.Budget;
import org.openvdi.broker.rollout.api.LogoffPolicy;
import org.openvdi.broker.rollout.api.RolloutStrategy;

/** Turns a start request into a strategy: defaults filled in, every bound checked before any event is written. */
final class RolloutRequests {

    private static final Pattern BUDGET = Pattern.compile("(\\d{1,5})(%?)");
    private static final Duration MAX_DEADLINE = Duration.ofDays(7);
    private static final Duration MAX_NOTICE = Duration.ofMinutes(60);
    private static final Duration MIN_PROGRESS = Duration.ofSeconds(1);
    private static final Duration MAX_PROGRESS = Duration.ofDays(1);

    private RolloutRequests() {
    }

    static RolloutStrategy strategy(RolloutController.StartRolloutRequest r) {
        LogoffPolicy logoff = r.logoff() == null ? LogoffPolicy.WAIT : r.logoff();
        Duration deadline = r.deadline();
        if (logoff == LogoffPolicy.FORCE_AFTER) {
            require(deadline != null, "deadline", "FORCE_AFTER needs a deadline");
            within("deadline", deadline, Duration.ZERO, MAX_DEADLINE);
        } else {
            require(deadline == null, "deadline", "A deadline applies to FORCE_AFTER only");
        }
        Duration noticeBefore = r.noticeBefore() == null ? Duration.ofMinutes(15) : r.noticeBefore();
        within("noticeBefore", noticeBefore, Duration.ZERO, MAX_NOTICE);
        Duration progress = r.progressDeadline() == null ? Duration.ofMinutes(10) : r.progressDeadline();
        within("progressDeadline", progress, MIN_PROGRESS, MAX_PROGRESS);
        return new RolloutStrategy(r.canary() == null ? 1 : r.canary(), budget(r.maxUnavailable()),
                r.maxSurge() == null ? 1 : r.maxSurge(), logoff, deadline, r.notice(), noticeBefore, progress,
                r.failureThreshold() == null ? 1 : r.failureThreshold());
    }

    /** Now when not given or past; at most 14 days ahead. */
    static Instant startAt(Instant requested, Instant now) {
        if (requested == null || requested.isBefore(now)) {
            return now;
        }
        require(!requested.isAfter(now.plus(RolloutController.MAX_SCHEDULE)), "startAt", "startAt is at most 14 days ahead");
        return requested;
    }

    /** A count (a JSON number or digits) or a percentage ("25%"); default 1. */
    static Budget budget(Object given) {
        if (given == null) {
            return Budget.count(1);
        }
        String text = given instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue())
                : given instanceof String s ? s : "";
        Matcher m = BUDGET.matcher(text);
        require(m.matches(), "maxUnavailable", "maxUnavailable is a count or a percentage such as \"25%\"");
        int value = Integer.parseInt(m.group(1));
        boolean percent = !m.group(2).isEmpty();
        require(percent ? value >= 1 && value <= 100 : value >= 1 && value <= 10000, "maxUnavailable",
                "maxUnavailable is 1 to 10000, or 1% to 100%");
        return new Budget(value, percent);
    }

    private static void within(String field, Duration value, Duration min, Duration max) {
        require(!value.isNegative() && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field,
                field + " must be between " + min + " and " + max);
    }

    private static void require(boolean condition, String field, String detail) {
        if (!condition) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, detail, field);
        }
    }
}
