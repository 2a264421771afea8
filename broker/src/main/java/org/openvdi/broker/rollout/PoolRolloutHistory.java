package org.openvdi.broker.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.axonframework.eventhandling.EventMessage;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.openvdi.broker.rollout.api.*;

/**
 * A pool's versions and every rollout of it, read from the events alone: the pool's own events name its rollouts and
 * when its version changed; each rollout's events say how it was meant to go (its strategy), who started, paused,
 * resumed, cancelled or rolled it back, and how it ended.
 */
public record PoolRolloutHistory(UUID poolId, String name, UUID templateId, List<VersionPeriod> versions,
                                 List<RolloutRecord> rollouts) {

    /** A version new desktops of the pool were built on, from when to when; {@code rolloutId} changed the pool to it. */
    public record VersionPeriod(int version, UUID rolloutId, Instant since, Instant until) {
    }

    /** Something that happened to a rollout, who did it ("system": one of its safety rules or the process), and why. */
    public record Action(RolloutAction action, Instant at, String by, String detail) {
    }

    /** What happened to a rollout; {@code PAUSED} carries its reason in {@code detail}. */
    public enum RolloutAction { STARTED, BEGUN, CANARY_PASSED, PAUSED, RESUMED, CANCELLED, ROLLED_BACK, COMPLETED }

    /**
     * One rollout: its strategy, who started it, every step an admin or its safety rules took, and its outcome
     * ({@code state}: where it ended, or where it stands while active). {@code rollbackOf} is the rollout it undid,
     * {@code rolledBackBy} the rollout that undid it.
     */
    public record RolloutRecord(UUID rolloutId, int fromVersion, int toVersion, RolloutStrategy strategy, String startedBy,
                                Instant startedAt, Instant startAt, UUID rollbackOf, UUID rolledBackBy, RolloutState state,
                                Integer total, int updated, int failed, Instant finishedAt, List<Action> actions) {
    }

    /**
     * The history of the pool whose events {@code poolEvents} are, with each rollout's events from {@code rolloutEvents};
     * empty when they hold no pool.
     */
    public static Optional<PoolRolloutHistory> of(List<? extends EventMessage<?>> poolEvents,
                                                  Function<UUID, List<? extends EventMessage<?>>> rolloutEvents) {
        PoolCreatedEvent created = null;
        List<VersionPeriod> versions = new ArrayList<>();
        List<RolloutRecord> rollouts = new ArrayList<>();
        for (EventMessage<?> message : poolEvents) {
            Object e = message.getPayload();
            if (e instanceof PoolCreatedEvent c) {
                created = c;
                versions.add(new VersionPeriod(c.templateVersion(), null, message.getTimestamp(), null));
            } else if (e instanceof PoolTemplateVersionChangedEvent v) {
                int last = versions.size() - 1;
                if (last >= 0) {
                    VersionPeriod p = versions.get(last);
                    versions.set(last, new VersionPeriod(p.version(), p.rolloutId(), p.since(), message.getTimestamp()));
                }
                versions.add(new VersionPeriod(v.toVersion(), v.rolloutId(), message.getTimestamp(), null));
            } else if (e instanceof PoolRolloutOpenedEvent o) {
                rollout(rolloutEvents.apply(o.rolloutId())).ifPresent(rollouts::add);
            }
        }
        if (created == null) {
            return Optional.empty();
        }
        return Optional.of(new PoolRolloutHistory(created.poolId(), created.name(), created.templateId(), List.copyOf(versions),
                List.copyOf(rollouts)));
    }

    /** One rollout from its own events; empty when none was started (its start was refused). */
    static Optional<RolloutRecord> rollout(List<? extends EventMessage<?>> events) {
        RolloutStartedEvent started = null;
        Instant startedAt = null;
        UUID rolledBackBy = null;
        RolloutState state = RolloutState.SCHEDULED;
        Integer total = null;
        int updated = 0;
        int failed = 0;
        Instant finishedAt = null;
        List<Action> actions = new ArrayList<>();
        for (EventMessage<?> message : events) {
            Object e = message.getPayload();
            Instant at = message.getTimestamp();
            if (e instanceof RolloutStartedEvent s) {
                started = s;
                startedAt = at;
                actions.add(new Action(RolloutAction.STARTED, at, s.startedBy(), s.rollbackOf() == null
                        ? "version " + s.fromVersion() + " to " + s.toVersion()
                        : "rollback of " + s.rollbackOf() + " to version " + s.toVersion()));
            } else if (e instanceof RolloutBegunEvent b) {
                state = RolloutState.RUNNING;
                total = b.total();
                actions.add(new Action(RolloutAction.BEGUN, at, null, b.total() + " desktop(s), " + b.canaryTarget()
                        + " canary"));
            } else if (e instanceof RolloutCanaryPassedEvent c) {
                actions.add(new Action(RolloutAction.CANARY_PASSED, at, null, c.canaries() + " canary desktop(s) ready"));
            } else if (e instanceof RolloutPausedEvent p) {
                state = RolloutState.PAUSED;
                actions.add(new Action(RolloutAction.PAUSED, at, p.pausedBy(),
                        p.detail() == null ? p.reason().name() : p.reason() + ": " + p.detail()));
            } else if (e instanceof RolloutResumedEvent r) {
                state = total == null ? RolloutState.SCHEDULED : RolloutState.RUNNING;
                actions.add(new Action(RolloutAction.RESUMED, at, r.resumedBy(), null));
            } else if (e instanceof RolloutDesktopUpdatedEvent) {
                updated++;
            } else if (e instanceof RolloutDesktopFailedEvent) {
                failed++;
            } else if (e instanceof RolloutCancelledEvent c) {
                state = RolloutState.CANCELLED;
                finishedAt = at;
                actions.add(new Action(RolloutAction.CANCELLED, at, c.cancelledBy(), c.updated()
                        + " desktop(s) moved stay on version " + started.toVersion() + "; new desktops use version "
                        + started.fromVersion()));
            } else if (e instanceof RolloutRolledBackEvent r) {
                state = RolloutState.ROLLED_BACK;
                finishedAt = at;
                rolledBackBy = r.rollbackRolloutId();
                actions.add(new Action(RolloutAction.ROLLED_BACK, at, r.rolledBackBy(), "by rollout " + r.rollbackRolloutId()));
            } else if (e instanceof RolloutCompletedEvent c) {
                state = RolloutState.COMPLETED;
                finishedAt = at;
                actions.add(new Action(RolloutAction.COMPLETED, at, null, c.updated() + " desktop(s) updated, " + c.failed()
                        + " failed"));
            }
        }
        if (started == null) {
            return Optional.empty();
        }
        return Optional.of(new RolloutRecord(started.rolloutId(), started.fromVersion(), started.toVersion(), started.strategy(),
                started.startedBy(), startedAt, started.startAt(), started.rollbackOf(), rolledBackBy, state, total, updated,
                failed, finishedAt, List.copyOf(actions)));
    }
}
