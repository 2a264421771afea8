package org.openvdi.broker.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecomposeDesktopCommand;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand;
import org.openvdi.broker.pool.api.ClosePoolRolloutCommand;
import org.openvdi.broker.rollout.api.*;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves each pool with an active rollout onto its new version, one step per sweep, from the read models alone:
 * the canary first, then spares in batches bounded by maxSurge and maxUnavailable, then idle owned desktops, then
 * in-use ones as their sessions end (or at their deadline, after the notices). Every move is recorded in the
 * rollout before its side effect is asked for, and the side effects are keyed by the ids in that record, so a
 * sweep after a restart finishes what was begun and never starts a desktop twice.
 */
@Component
class RolloutProcess {

    private static final Logger log = LoggerFactory.getLogger(RolloutProcess.class);
    private static final Set<DesktopState> SERVING = Set.of(DesktopState.READY, DesktopState.ASSIGNED, DesktopState.POWERED_OFF,
            DesktopState.SUSPENDING, DesktopState.SUSPENDED);
    private static final Set<DesktopState> GONE = Set.of(DesktopState.DESTROYED, DesktopState.RECYCLING,
            DesktopState.FAILED, DesktopState.LOST);

    private final RolloutQueries rollouts;
    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final Clock clock;

    RolloutProcess(RolloutQueries rollouts, PoolQueries pools, DesktopQueries desktops, HostQueries hosts,
                   AuditedCommands commands, ClusterLock lock, Optional<Clock> clock) {
        this.rollouts = rollouts;
        this.pools = pools;
        this.desktops = desktops;
        this.hosts = hosts;
        this.commands = commands;
        this.lock = lock;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(fixedDelayString = "${openvdi.rollout.interval:1000}", initialDelayString = "${openvdi.rollout.initial-delay:2000}")
    void sweep() {
        lock.runExclusively("rollout", () -> {
            rollouts.finished().forEach(this::release);
            rollouts.active().forEach(this::advance);
        });
    }

    /**
     * A finished rollout gives its pool back (a rollback hands it over itself); a cancelled one first puts the pool
     * back on the version it started from (the API does both at once; this finishes what a crash cut short).
     */
    private void release(RolloutView rollout) {
        if (pools.activeRollout(rollout.poolId()).filter(rollout.id()::equals).isPresent()) {
            try {
                if (rollout.state() == RolloutState.CANCELLED) {
                    commands.system(new ChangePoolTemplateVersionCommand(rollout.poolId(), rollout.id(), rollout.fromVersion()));
                }
                commands.system(new ClosePoolRolloutCommand(rollout.poolId(), rollout.id()));
            } catch (BrokerException e) {
                // the cancel request released the pool meanwhile
                log.debug("Pool {} was released by rollout {} already: {}", rollout.poolId(), rollout.id(), e.getMessage());
            }
        }
    }

    void advance(RolloutView seen) {
        RolloutView rollout = seen;
        PoolView pool = pools.find(rollout.poolId()).orElse(null);
        if (pool == null) {
            return;
        }
        Instant now = clock.instant();
        if (rollout.state() == RolloutState.SCHEDULED) {
            if (!now.isBefore(rollout.startAt())) {
                begin(rollout, pool);
            }
            return;
        }
        List<RolloutDesktop> moves = rollouts.desktops(rollout.id());
        Map<UUID, DesktopView> byId = desktops.all(pool.id(), true).stream()
                .collect(Collectors.toMap(DesktopView::id, Function.identity()));
        for (RolloutDesktop move : moves) {
            if (move.status() == RolloutDesktopStatus.IN_PROGRESS) {
                follow(rollout, pool, move, byId);
            }
        }
        rollout = rollouts.find(rollout.id()).orElse(rollout);
        if (rollout.state() != RolloutState.RUNNING) {
            return;
        }
        // desktops waiting for their users' logoff are not stuck: the deadline applies to the moves under way
        boolean moving = moves.stream().anyMatch(m -> m.status() == RolloutDesktopStatus.IN_PROGRESS);
        if (moving && rollout.lastProgressAt().plus(rollout.strategy().progressDeadline()).isBefore(now)) {
            commands.system(new PauseRolloutCommand(rollout.id(), PauseReason.PROGRESS_DEADLINE,
                    "no desktop made progress within " + rollout.strategy().progressDeadline()));
            return;
        }
        boolean canaryPassed = rollout.canary() == CanaryOutcome.PASSED;
        if (canaryPassed && pool.templateVersion() != rollout.toVersion()) {
            commands.system(new ChangePoolTemplateVersionCommand(pool.id(), rollout.id(), rollout.toVersion()));
        }
        new RolloutBatch(rollout, pool, moves, byId, now).run();
    }

    private void begin(RolloutView rollout, PoolView pool) {
        List<DesktopView> old = desktops.all(pool.id(), false).stream()
                .filter(d -> d.templateVersion() != rollout.toVersion() && !GONE.contains(d.state())).toList();
        long candidates = old.stream().filter(RolloutProcess::movableNow).count();
        int canaries = (int) Math.min(rollout.strategy().canary(), candidates);
        if (canaries == 0 && rollout.strategy().canary() > 0 && rollout.rollbackOf() == null
                && desktops.countOccupying(pool.id(), hosts.idsInState(HostState.DOWN)) < pool.maxSize()) {
            // nothing can move now, yet the version is unproven: one new desktop on it is the canary
            canaries = 1;
        }
        commands.system(new BeginRolloutCommand(rollout.id(), old.size(), canaries));
        log.info("Rollout {} of pool {} to version {} begins: {} desktop(s), {} canary", rollout.id(), pool.name(),
                rollout.toVersion(), old.size(), canaries);
    }

    /** A desktop nobody uses now: a ready spare, or an owned desktop that is ready or powered off. */
    static boolean movableNow(DesktopView d) {
        return d.state() == DesktopState.READY || (d.state() == DesktopState.POWERED_OFF || d.state() == DesktopState.SUSPENDED) && d.owner() != null;
    }

    /** Reports what became of one desktop on its way; repeats the side effect a crash may have cut short. */
    private void follow(RolloutView rollout, PoolView pool, RolloutDesktop move, Map<UUID, DesktopView> byId) {
        DesktopView old = byId.get(move.desktopId());
        if (move.method() == UpdateMethod.RECOMPOSE) {
            if (old == null || old.state() == DesktopState.LOST || old.state() == DesktopState.DESTROYED) {
                commands.system(new AbandonDesktopUpdateCommand(rollout.id(), move.desktopId(), "the desktop is gone"));
            } else if (old.state() == DesktopState.FAILED) {
                commands.system(new RecordDesktopUpdateFailedCommand(rollout.id(), move.desktopId(), reason(old)));
            } else if (old.templateVersion() == rollout.toVersion() && SERVING.contains(old.state())) {
                commands.system(new RecordDesktopUpdatedCommand(rollout.id(), move.desktopId()));
            } else if (old.templateVersion() != rollout.toVersion() && movableNow(old)) {
                commands.system(new RecomposeDesktopCommand(old.id(), rollout.toVersion(), rollout.id()));
            }
            return;
        }
        if ((move.method() == UpdateMethod.SURGE || move.method() == UpdateMethod.IN_PLACE) && claimed(old)) {
            // a user took the old spare while its replacement was built: it moves after that session, as any in use
            commands.system(new AbandonDesktopUpdateCommand(rollout.id(), move.desktopId(), "taken into use while "
                    + "replacement " + move.replacementId() + " was built; it moves after its session"));
            return;
        }
        DesktopView replacement = byId.get(move.replacementId());
        if (replacement == null) {
            place(rollout, pool, move);
        } else if (SERVING.contains(replacement.state())) {
            commands.system(new RecordDesktopUpdatedCommand(rollout.id(), move.desktopId()));
            if (move.method() != UpdateMethod.FRESH) {
                retire(old, "replaced by " + replacement.id() + " on version " + rollout.toVersion());
            }
        } else if (replacement.state() == DesktopState.FAILED) {
            commands.system(new RecordDesktopUpdateFailedCommand(rollout.id(), move.desktopId(), reason(replacement)));
        } else if (GONE.contains(replacement.state()) || !hostUp(replacement.hostId())) {
            // its host went away: not the image's fault, so it does not count as a failure, and may be tried again
            commands.system(new AbandonDesktopUpdateCommand(rollout.id(), move.desktopId(),
                    "replacement " + replacement.id() + " was lost with its host"));
        }
    }

    /** Requests the replacement recorded in the move (again, after a crash: it is keyed by the recorded id). */
    void place(RolloutView rollout, PoolView pool, RolloutDesktop move) {
        Optional<HostView> host = hosts.placement(pool.selector());
        if (host.isEmpty()) {
            log.debug("Rollout {}: no host has room for replacement {}", rollout.id(), move.replacementId());
            return;
        }
        if (move.method() == UpdateMethod.IN_PLACE) {
            retire(desktops.find(move.desktopId()).orElse(null), "replaced on version " + rollout.toVersion());
        }
        try {
            commands.system(new RequestDesktopProvisioningCommand(move.replacementId(), pool.id(), host.get().id(),
                    pool.templateId(), rollout.toVersion(), null));
        } catch (RuntimeException e) {
            // already requested by an earlier sweep: the read model shows it on the next one
            log.debug("Rollout {}: replacement {} not requested again: {}", rollout.id(), move.replacementId(), e.toString());
        }
    }

    void retire(DesktopView old, String reason) {
        if (old == null || GONE.contains(old.state())) {
            return;
        }
        try {
            commands.system(new RecycleDesktopCommand(old.id(), reason));
        } catch (BrokerException e) {
            // taken by a session meanwhile: a floating desktop is recycled when that session ends
            log.info("Desktop {} is not recycled now: {}", old.id(), e.getMessage());
        }
    }

    void forceLogoff(RolloutView rollout, RolloutDesktop move, DesktopView desktop, Instant now) {
        for (Duration before : rollout.strategy().noticeTimes()) {
            if (!now.isBefore(move.logoffAt().minus(before))
                    && !rollouts.noticesGiven(rollout.id(), move.desktopId()).contains(before.toSeconds())
                    && now.isBefore(move.logoffAt())) {
                commands.system(new IssueLogoffNoticeCommand(rollout.id(), move.desktopId(), before));
            }
        }
        if (!now.isBefore(move.logoffAt())) {
            commands.system(new ForceLogoffCommand(rollout.id(), move.desktopId()));
            commands.system(new EndSessionCommand(desktop.sessionId(),
                    "logged off by rollout to version " + rollout.toVersion(), AuditedCommands.SYSTEM));
        }
    }

    /** A desktop that a session took or a user claimed since it was a spare, and that is not gone yet. */
    private static boolean claimed(DesktopView d) {
        return d != null && !GONE.contains(d.state()) && (d.state() == DesktopState.ASSIGNED || d.owner() != null);
    }

    boolean hostUp(UUID hostId) {
        return hosts.find(hostId).map(h -> h.state() == HostState.UP).orElse(false);
    }

    private static String reason(DesktopView desktop) {
        return desktop.failureReason() == null ? "the desktop failed" : desktop.failureReason();
    }

    /** The new moves of one sweep of one rollout, within its budgets. */
    private final class RolloutBatch {

        private final RolloutView rollout;
        private final PoolView pool;
        private final List<RolloutDesktop> moves;
        private final Map<UUID, DesktopView> byId;
        private final Instant now;
        private int surging;
        private int unavailable;
        private int occupying;

        RolloutBatch(RolloutView rollout, PoolView pool, List<RolloutDesktop> moves, Map<UUID, DesktopView> byId, Instant now) {
            this.rollout = rollout;
            this.pool = pool;
            this.moves = moves;
            this.byId = byId;
            this.now = now;
            List<RolloutDesktop> inProgress = moves.stream().filter(m -> m.status() == RolloutDesktopStatus.IN_PROGRESS).toList();
            this.surging = (int) inProgress.stream().filter(m -> m.method() == UpdateMethod.SURGE).count();
            this.unavailable = inProgress.size() - surging;
            this.occupying = desktops.countOccupying(pool.id(), hosts.idsInState(HostState.DOWN));
        }

        void run() {
            Set<UUID> known = moves.stream().map(RolloutDesktop::desktopId).collect(Collectors.toSet());
            Set<UUID> replacements = moves.stream().map(RolloutDesktop::replacementId).filter(java.util.Objects::nonNull)
                    .collect(Collectors.toSet());
            Set<UUID> settled = moves.stream().filter(m -> m.status() == RolloutDesktopStatus.UPDATED
                    || m.status() == RolloutDesktopStatus.FAILED).map(RolloutDesktop::desktopId).collect(Collectors.toSet());
            List<DesktopView> old = byId.values().stream()
                    .filter(d -> d.templateVersion() != rollout.toVersion() && !GONE.contains(d.state())
                            && !replacements.contains(d.id()) && !settled.contains(d.id()))
                    .sorted(java.util.Comparator.comparing(DesktopView::requestedAt)).toList();
            List<DesktopView> waiting = old.stream().filter(d -> !known.contains(d.id()) && hostUp(d.hostId())).toList();
            List<DesktopView> spares = waiting.stream().filter(d -> d.owner() == null && d.state() == DesktopState.READY).toList();
            List<DesktopView> idle = waiting.stream().filter(d -> d.owner() != null && movableNow(d)).toList();
            if (rollout.canary() != CanaryOutcome.PASSED) {
                canary(spares, idle);
                return;
            }
            start(spares, RolloutStage.SPARE);
            if (spares.stream().allMatch(d -> known(d.id()))) {
                start(idle, RolloutStage.IDLE);
            }
            if (spares.stream().allMatch(d -> known(d.id())) && idle.stream().allMatch(d -> known(d.id()))) {
                inUse(waiting.stream().filter(d -> d.state() == DesktopState.ASSIGNED).toList());
            }
            moves.stream().filter(m -> m.status() == RolloutDesktopStatus.WAITING_FOR_LOGOFF).forEach(this::awaiting);
            boolean busy = moves.stream().anyMatch(m -> m.status() == RolloutDesktopStatus.IN_PROGRESS
                    || m.status() == RolloutDesktopStatus.WAITING_FOR_LOGOFF);
            if (old.isEmpty() && !busy && started.isEmpty()) {
                commands.system(new CompleteRolloutCommand(rollout.id()));
                log.info("Rollout {} of pool {} to version {} completed", rollout.id(), pool.name(), rollout.toVersion());
            }
        }

        private final Set<UUID> started = new java.util.HashSet<>();

        private boolean known(UUID desktopId) {
            return started.contains(desktopId);
        }

        private void canary(List<DesktopView> spares, List<DesktopView> idle) {
            long canaries = moves.stream().filter(m -> m.stage() == RolloutStage.CANARY).count();
            List<DesktopView> candidates = new ArrayList<>(spares);
            candidates.addAll(idle);
            for (DesktopView d : candidates) {
                if (canaries >= rollout.strategy().canary()) {
                    return;
                }
                if (move(d, RolloutStage.CANARY)) {
                    canaries++;
                }
            }
            if (candidates.isEmpty() && canaries == 0 && rollout.canaryTarget() > 0) {
                fresh();
            }
        }

        /** The canary of a pool where nothing can move now: a new desktop on the new version, kept as a spare. */
        private void fresh() {
            UUID id = UUID.randomUUID();
            if (Boolean.TRUE.equals(commands.system(new StartDesktopUpdateCommand(rollout.id(), id, id, RolloutStage.CANARY,
                    UpdateMethod.FRESH)))) {
                place(rollout, pool, new RolloutDesktop(rollout.id(), id, id, RolloutStage.CANARY, UpdateMethod.FRESH,
                        RolloutDesktopStatus.IN_PROGRESS, null, null, null, null, now, null));
                log.info("Rollout {}: no desktop can move now; new desktop {} on version {} is the canary", rollout.id(), id,
                        rollout.toVersion());
            }
        }

        private void start(List<DesktopView> candidates, RolloutStage stage) {
            for (DesktopView d : candidates) {
                if (!move(d, stage)) {
                    return;
                }
            }
        }

        /** Starts one desktop's move if a budget lets it through; false when none does. */
        private boolean move(DesktopView d, RolloutStage stage) {
            int maxUnavailable = rollout.strategy().maxUnavailable().of(rollout.counts().total());
            UpdateMethod method;
            if (d.owner() != null) {
                if (unavailable >= maxUnavailable) {
                    return false;
                }
                method = UpdateMethod.RECOMPOSE;
            } else if (surging < rollout.strategy().maxSurge() && occupying < pool.maxSize() && hosts.placement(pool.selector()).isPresent()) {
                method = UpdateMethod.SURGE;
            } else if (unavailable < maxUnavailable) {
                method = UpdateMethod.IN_PLACE;
            } else {
                return false;
            }
            UUID replacement = method == UpdateMethod.RECOMPOSE ? d.id() : UUID.randomUUID();
            Boolean now = commands.system(new StartDesktopUpdateCommand(rollout.id(), d.id(), replacement, stage, method));
            started.add(d.id());
            if (!Boolean.TRUE.equals(now)) {
                return true;
            }
            switch (method) {
                case SURGE -> {
                    surging++;
                    occupying++;
                }
                case IN_PLACE, RECOMPOSE -> unavailable++;
                default -> { }
            }
            RolloutDesktop move = new RolloutDesktop(rollout.id(), d.id(), replacement, stage, method,
                    RolloutDesktopStatus.IN_PROGRESS, null, null, null, null, this.now, null);
            if (method == UpdateMethod.RECOMPOSE) {
                commands.system(new RecomposeDesktopCommand(d.id(), rollout.toVersion(), rollout.id()));
            } else {
                place(rollout, pool, move);
            }
            log.info("Rollout {}: {} desktop {} moves to version {} ({})", rollout.id(), stage, d.id(), rollout.toVersion(), method);
            return true;
        }

        private void inUse(List<DesktopView> assigned) {
            RolloutStrategy strategy = rollout.strategy();
            for (DesktopView d : assigned) {
                Instant logoffAt = strategy.logoff() == LogoffPolicy.FORCE_AFTER ? now.plus(strategy.deadline()) : null;
                commands.system(new AwaitLogoffCommand(rollout.id(), d.id(), d.sessionId(), d.assignedUser(), logoffAt));
                started.add(d.id());
            }
        }

        /** An in-use desktop: moved once its session is over, warned and logged off when its deadline says so. */
        private void awaiting(RolloutDesktop move) {
            DesktopView d = byId.get(move.desktopId());
            boolean sameSession = d != null && d.state() == DesktopState.ASSIGNED && move.sessionId().equals(d.sessionId());
            if (sameSession) {
                if (move.logoffAt() != null) {
                    forceLogoff(rollout, move, d, now);
                }
                return;
            }
            started.add(move.desktopId());
            if (d == null || d.owner() == null || GONE.contains(d.state())) {
                // a floating desktop is recycled after its session; the pool replaces it on the new version
                commands.system(new StartDesktopUpdateCommand(rollout.id(), move.desktopId(), null, RolloutStage.IN_USE,
                        UpdateMethod.RETIRED));
            } else if (movableNow(d) && unavailable < rollout.strategy().maxUnavailable().of(rollout.counts().total())) {
                if (Boolean.TRUE.equals(commands.system(new StartDesktopUpdateCommand(rollout.id(), d.id(), d.id(),
                        RolloutStage.IN_USE, UpdateMethod.RECOMPOSE)))) {
                    unavailable++;
                    commands.system(new RecomposeDesktopCommand(d.id(), rollout.toVersion(), rollout.id()));
                }
            }
        }
    }
}
