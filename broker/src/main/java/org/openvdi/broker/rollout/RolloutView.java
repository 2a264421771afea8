package org.openvdi.broker.rollout;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.rollout.api.PauseReason;
import org.openvdi.broker.rollout.api.RolloutState;
import org.openvdi.broker.rollout.api.RolloutStrategy;

/**
 * One rollout and its progress. {@code updated} desktops are ready on the new version; {@code estimatedSecondsLeft}
 * comes from the step times measured so far (null before the first one). {@code canaryTarget} is how many canaries
 * it waits for (0 before it begins, and when it needs none). {@code poolVersion} is the version this rollout leaves the pool's new
 * desktops on: its old one until the canary passes, the new one after that and once completed, the old one again
 * after a cancel or a rollback. {@code summary} says where it stands in words, "no desktops to update" included.
 */
public record RolloutView(UUID id, UUID poolId, UUID templateId, int fromVersion, int toVersion, RolloutStrategy strategy,
                          RolloutState state, PauseReason pauseReason, String pauseDetail, CanaryOutcome canary,
                          int canaryTarget, Counts counts, Long estimatedSecondsLeft, UUID rollbackOf, UUID rolledBackBy,
                          String startedBy, Instant startAt, Instant createdAt, Instant begunAt, Instant finishedAt,
                          Instant lastProgressAt, int poolVersion, String summary) {

    public record Counts(int total, int updated, int inProgress, int waitingForLogoff, int failed) {
    }

    /** The version the pool builds new desktops on, as far as this rollout decides it. */
    static int poolVersion(RolloutState state, CanaryOutcome canary, int fromVersion, int toVersion) {
        return switch (state) {
            case COMPLETED -> toVersion;
            case CANCELLED, ROLLED_BACK -> fromVersion;
            case SCHEDULED, RUNNING, PAUSED -> canary == CanaryOutcome.PASSED ? toVersion : fromVersion;
        };
    }

    /** Where the rollout stands, in one sentence for the admin. */
    static String summary(RolloutState state, CanaryOutcome canary, Counts counts, int fromVersion, int toVersion,
                          UUID rolledBackBy) {
        int other = Math.max(0, counts.total() - counts.updated());
        return switch (state) {
            case SCHEDULED -> "scheduled: nothing has moved yet";
            case RUNNING, PAUSED -> (state == RolloutState.PAUSED ? "paused: " : "running: ") + counts.updated() + " of "
                    + counts.total() + " desktop(s) on version " + toVersion + (canary == CanaryOutcome.PASSED
                    ? "; new desktops use version " + toVersion : "; the canary has not passed yet");
            case COMPLETED -> counts.total() == 0 ? "no desktops to update: new desktops use version " + toVersion
                    : counts.updated() + " desktop(s) updated to version " + toVersion
                    + (counts.failed() > 0 ? ", " + counts.failed() + " failed" : "");
            case CANCELLED -> "cancelled: " + counts.updated() + " desktop(s) moved stay on version " + toVersion + "; the pool "
                    + "and its " + other + " other desktop(s) are on version " + fromVersion;
            case ROLLED_BACK -> "rolled back to version " + fromVersion + " by rollout " + rolledBackBy;
        };
    }
}
