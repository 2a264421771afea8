package org.openvdi.broker.rollout;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.rollout.api.*;

/**
 * One move of one pool from one template version to another. It decides which desktop moves when, counts
 * failures, and pauses itself by its safety rules; the rollout process performs the moves and reports back.
 * Every desktop is started at most once (an update lost with its host may be tried again), so a process that
 * resumes after a restart cannot move a desktop twice.
 */
@Aggregate
class Rollout {

    @AggregateIdentifier
    private UUID rolloutId;
    private UUID poolId;
    private int toVersion;
    private RolloutStrategy strategy;
    private RolloutState state;
    private boolean begun;
    private int canaryTarget;
    private boolean canaryPassed;
    private int canariesUpdated;
    private int failuresSinceResume;
    private int updated;
    private int failed;
    private final Map<UUID, Step> steps = new HashMap<>();
    private final Set<UUID> imagesDeletedOn = new HashSet<>();

    /** One desktop's move; {@code notices} are the warnings its user had, {@code forced} whether its session was ended. */
    private record Step(RolloutStage stage, UUID replacementId, RolloutDesktopStatus status, UUID sessionId, String user,
                        Instant logoffAt, Set<Duration> notices, boolean forced) {

        Step with(RolloutDesktopStatus next) {
            return new Step(stage, replacementId, next, sessionId, user, logoffAt, notices, forced);
        }
    }

    Rollout() {
    }

    @CommandHandler
    Rollout(StartRolloutCommand c, @MetaDataValue("user") String user) {
        if (c.fromVersion() == c.toVersion() && c.rollbackOf() == null) {
            throw new BrokerException(ErrorCode.ROLLOUT_SAME_VERSION, "The pool is on version " + c.toVersion() + " already");
        }
        apply(new RolloutStartedEvent(c.rolloutId(), c.poolId(), c.templateId(), c.fromVersion(), c.toVersion(),
                c.strategy(), c.startAt(), c.rollbackOf(), user));
    }

    @CommandHandler
    void handle(BeginRolloutCommand c) {
        if (state == RolloutState.SCHEDULED && !begun) {
            apply(new RolloutBegunEvent(rolloutId, poolId, c.total(), c.canaryTarget()));
            if (c.canaryTarget() == 0) {
                // nothing to try the version on: the first desktop the pool provisions is on it
                apply(new RolloutCanaryPassedEvent(rolloutId, poolId, toVersion, 0));
            }
        }
    }

    @CommandHandler
    boolean handle(StartDesktopUpdateCommand c) {
        Step step = steps.get(c.desktopId());
        if (state != RolloutState.RUNNING || (step != null && step.status() != RolloutDesktopStatus.WAITING_FOR_LOGOFF)) {
            return false;
        }
        if (c.stage() != RolloutStage.CANARY && !canaryPassed) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "The canary of rollout " + rolloutId + " has not passed");
        }
        apply(new RolloutDesktopUpdateStartedEvent(rolloutId, poolId, c.desktopId(), c.replacementId(), c.stage(),
                c.method(), toVersion));
        if (c.method() == UpdateMethod.RETIRED) {
            apply(new RolloutDesktopUpdatedEvent(rolloutId, poolId, c.desktopId(), null, c.stage(), toVersion));
        }
        return true;
    }

    @CommandHandler
    void handle(RecordDesktopUpdatedCommand c) {
        Step step = steps.get(c.desktopId());
        if (step == null || step.status() != RolloutDesktopStatus.IN_PROGRESS) {
            return;
        }
        apply(new RolloutDesktopUpdatedEvent(rolloutId, poolId, c.desktopId(), step.replacementId(), step.stage(), toVersion));
        if (step.stage() == RolloutStage.CANARY && !canaryPassed && canariesUpdated >= canaryTarget) {
            apply(new RolloutCanaryPassedEvent(rolloutId, poolId, toVersion, canariesUpdated));
        }
    }

    @CommandHandler
    void handle(RecordDesktopUpdateFailedCommand c) {
        Step step = steps.get(c.desktopId());
        if (step == null || step.status() != RolloutDesktopStatus.IN_PROGRESS) {
            return;
        }
        apply(new RolloutDesktopFailedEvent(rolloutId, poolId, c.desktopId(), step.replacementId(), step.stage(),
                c.reason(), failuresSinceResume + 1));
        if (state != RolloutState.RUNNING) {
            return;
        }
        if (step.stage() == RolloutStage.CANARY) {
            apply(new RolloutPausedEvent(rolloutId, poolId, PauseReason.CANARY_FAILED,
                    "canary desktop " + c.desktopId() + " failed: " + c.reason(), AuditedCommands.SYSTEM));
        } else if (failuresSinceResume >= strategy.failureThreshold()) {
            apply(new RolloutPausedEvent(rolloutId, poolId, PauseReason.FAILURE_THRESHOLD,
                    failuresSinceResume + " desktop(s) failed, the threshold is " + strategy.failureThreshold(),
                    AuditedCommands.SYSTEM));
        }
    }

    @CommandHandler
    void handle(AbandonDesktopUpdateCommand c) {
        Step step = steps.get(c.desktopId());
        if (step != null && step.status() == RolloutDesktopStatus.IN_PROGRESS) {
            apply(new RolloutDesktopUpdateAbandonedEvent(rolloutId, poolId, c.desktopId(), step.replacementId(), c.reason()));
        }
    }

    @CommandHandler
    void handle(AwaitLogoffCommand c) {
        if (state == RolloutState.RUNNING && canaryPassed && !steps.containsKey(c.desktopId())) {
            apply(new RolloutDesktopAwaitingLogoffEvent(rolloutId, poolId, c.desktopId(), c.sessionId(), c.user(),
                    c.logoffAt()));
        }
    }

    @CommandHandler
    void handle(IssueLogoffNoticeCommand c) {
        Step step = steps.get(c.desktopId());
        if (state == RolloutState.RUNNING && awaiting(step) && step.logoffAt() != null && !step.notices().contains(c.before())) {
            apply(new RolloutLogoffNoticeIssuedEvent(rolloutId, poolId, c.desktopId(), step.sessionId(), step.user(),
                    strategy.notice(), step.logoffAt(), c.before()));
        }
    }

    @CommandHandler
    void handle(ForceLogoffCommand c) {
        Step step = steps.get(c.desktopId());
        if (state == RolloutState.RUNNING && awaiting(step) && step.logoffAt() != null && !step.forced()) {
            apply(new RolloutLogoffForcedEvent(rolloutId, poolId, c.desktopId(), step.sessionId(), step.user(),
                    "rollout to version " + toVersion + ": the logoff deadline passed"));
        }
    }

    private static boolean awaiting(Step step) {
        return step != null && step.status() == RolloutDesktopStatus.WAITING_FOR_LOGOFF;
    }

    @CommandHandler
    void handle(PauseRolloutCommand c, @MetaDataValue("user") String user) {
        if (state == RolloutState.RUNNING || state == RolloutState.SCHEDULED) {
            apply(new RolloutPausedEvent(rolloutId, poolId, c.reason(), c.detail(), user));
        } else if (state != RolloutState.PAUSED) {
            throw finished("paused");
        }
    }

    @CommandHandler
    void handle(ResumeRolloutCommand c, @MetaDataValue("user") String user) {
        if (state == RolloutState.PAUSED) {
            apply(new RolloutResumedEvent(rolloutId, poolId, user));
        } else if (!state.active()) {
            throw finished("resumed");
        }
    }

    @CommandHandler
    void handle(CancelRolloutCommand c, @MetaDataValue("user") String user) {
        if (state.active()) {
            apply(new RolloutCancelledEvent(rolloutId, poolId, updated, failed, user));
        } else if (state != RolloutState.CANCELLED) {
            throw finished("cancelled");
        }
    }

    @CommandHandler
    void handle(RollBackRolloutCommand c, @MetaDataValue("user") String user) {
        if (state == RolloutState.ROLLED_BACK) {
            throw finished("rolled back");
        }
        apply(new RolloutRolledBackEvent(rolloutId, poolId, c.rollbackRolloutId(), updated, user));
    }

    @CommandHandler
    void handle(CompleteRolloutCommand c) {
        boolean busy = steps.values().stream().anyMatch(s -> s.status() == RolloutDesktopStatus.IN_PROGRESS
                || s.status() == RolloutDesktopStatus.WAITING_FOR_LOGOFF);
        if (state == RolloutState.RUNNING && canaryPassed && !busy) {
            apply(new RolloutCompletedEvent(rolloutId, poolId, toVersion, updated, failed));
        }
    }

    @CommandHandler
    void handle(RecordImageDeletedCommand c) {
        if (!imagesDeletedOn.contains(c.hostId())) {
            apply(new RolloutImageDeletedEvent(rolloutId, c.hostId(), c.templateId(), c.version(), c.sha256()));
        }
    }

    private BrokerException finished(String what) {
        return new BrokerException(ErrorCode.ROLLOUT_FINISHED, "Rollout " + rolloutId + " is " + state + " and cannot be " + what);
    }

    @EventSourcingHandler
    void on(RolloutStartedEvent e) {
        rolloutId = e.rolloutId();
        poolId = e.poolId();
        toVersion = e.toVersion();
        strategy = e.strategy();
        state = RolloutState.SCHEDULED;
    }

    @EventSourcingHandler
    void on(RolloutBegunEvent e) {
        state = RolloutState.RUNNING;
        begun = true;
        canaryTarget = e.canaryTarget();
    }

    @EventSourcingHandler
    void on(RolloutCanaryPassedEvent e) {
        canaryPassed = true;
    }

    @EventSourcingHandler
    void on(RolloutDesktopUpdateStartedEvent e) {
        Step before = steps.get(e.desktopId());
        steps.put(e.desktopId(), before == null
                ? new Step(e.stage(), e.replacementId(), RolloutDesktopStatus.IN_PROGRESS, null, null, null, Set.of(), false)
                : new Step(e.stage(), e.replacementId(), RolloutDesktopStatus.IN_PROGRESS, before.sessionId(), before.user(),
                        before.logoffAt(), before.notices(), before.forced()));
    }

    @EventSourcingHandler
    void on(RolloutDesktopUpdatedEvent e) {
        steps.computeIfPresent(e.desktopId(), (id, step) -> step.with(RolloutDesktopStatus.UPDATED));
        updated++;
        if (e.stage() == RolloutStage.CANARY) {
            canariesUpdated++;
        }
    }

    @EventSourcingHandler
    void on(RolloutDesktopFailedEvent e) {
        steps.computeIfPresent(e.desktopId(), (id, step) -> step.with(RolloutDesktopStatus.FAILED));
        failed++;
        failuresSinceResume++;
    }

    @EventSourcingHandler
    void on(RolloutDesktopUpdateAbandonedEvent e) {
        steps.remove(e.desktopId());
    }

    @EventSourcingHandler
    void on(RolloutDesktopAwaitingLogoffEvent e) {
        steps.put(e.desktopId(), new Step(RolloutStage.IN_USE, null, RolloutDesktopStatus.WAITING_FOR_LOGOFF, e.sessionId(),
                e.user(), e.logoffAt(), Set.of(), false));
    }

    @EventSourcingHandler
    void on(RolloutLogoffNoticeIssuedEvent e) {
        steps.computeIfPresent(e.desktopId(), (id, step) -> {
            Set<Duration> notices = new HashSet<>(step.notices());
            notices.add(e.before());
            return new Step(step.stage(), step.replacementId(), step.status(), step.sessionId(), step.user(),
                    step.logoffAt(), Set.copyOf(notices), step.forced());
        });
    }

    @EventSourcingHandler
    void on(RolloutLogoffForcedEvent e) {
        steps.computeIfPresent(e.desktopId(), (id, step) -> new Step(step.stage(), step.replacementId(), step.status(),
                step.sessionId(), step.user(), step.logoffAt(), step.notices(), true));
    }

    @EventSourcingHandler
    void on(RolloutPausedEvent e) {
        state = RolloutState.PAUSED;
    }

    @EventSourcingHandler
    void on(RolloutResumedEvent e) {
        state = begun ? RolloutState.RUNNING : RolloutState.SCHEDULED;
        failuresSinceResume = 0;
    }

    @EventSourcingHandler
    void on(RolloutCancelledEvent e) {
        state = RolloutState.CANCELLED;
    }

    @EventSourcingHandler
    void on(RolloutRolledBackEvent e) {
        state = RolloutState.ROLLED_BACK;
    }

    @EventSourcingHandler
    void on(RolloutCompletedEvent e) {
        state = RolloutState.COMPLETED;
    }

    @EventSourcingHandler
    void on(RolloutImageDeletedEvent e) {
        imagesDeletedOn.add(e.hostId());
    }
}
