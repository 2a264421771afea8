package org.openvdi.broker.rollout;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.rollout.api.PauseReason;
import org.openvdi.broker.rollout.api.RolloutState;
import org.openvdi.broker.rollout.api.RolloutStrategy;

/**
 * One rollout and its progress. {@code updated} desktops are ready on the new version; {@code estimatedSecondsLeft}
 * comes from the step times measured so far (null before the first one).
 */
public record RolloutView(UUID id, UUID poolId, UUID templateId, int fromVersion, int toVersion, RolloutStrategy strategy,
                          RolloutState state, PauseReason pauseReason, String pauseDetail, CanaryOutcome canary,
                          Counts counts, Long estimatedSecondsLeft, UUID rollbackOf, UUID rolledBackBy, String startedBy,
                          Instant startAt, Instant createdAt, Instant begunAt, Instant finishedAt, Instant lastProgressAt) {

    public record Counts(int total, int updated, int inProgress, int waitingForLogoff, int failed) {
    }
}
