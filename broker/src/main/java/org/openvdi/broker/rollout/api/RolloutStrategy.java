package org.openvdi.broker.rollout.api;

import java.time.Duration;
import java.util.List;

/**
 * How a rollout moves a pool. {@code deadline} is how long an in-use desktop waits before its session is ended
 * (FORCE_AFTER only); {@code noticeBefore} is when its user is first warned, with reminders at
 * {@link #REMINDERS} that fall within it.
 */
public record RolloutStrategy(int canary, Budget maxUnavailable, int maxSurge, LogoffPolicy logoff, Duration deadline,
                              String notice, Duration noticeBefore, Duration progressDeadline, int failureThreshold) {

    public static final List<Duration> REMINDERS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(1));

    /** When users are warned before a forced logoff, earliest first. */
    public List<Duration> noticeTimes() {
        java.util.ArrayList<Duration> times = new java.util.ArrayList<>();
        times.add(noticeBefore);
        REMINDERS.stream().filter(r -> r.compareTo(noticeBefore) < 0).forEach(times::add);
        return List.copyOf(times);
    }
}
