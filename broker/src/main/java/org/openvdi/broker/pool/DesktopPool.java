package org.openvdi.broker.pool;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.pool.api.PoolHostSelectorChangedEvent;
import org.openvdi.broker.pool.api.PoolPlacementBlockedEvent;
import org.openvdi.broker.pool.api.PoolPlacementRestoredEvent;
import org.openvdi.broker.pool.api.RecordPoolPlacementCommand;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand;
import org.openvdi.broker.pool.api.ClosePoolRolloutCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.DeletePoolCommand;
import org.openvdi.broker.pool.api.EntitlementGrantedEvent;
import org.openvdi.broker.pool.api.EntitlementRevokedEvent;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolDeletedEvent;
import org.openvdi.broker.pool.api.PoolDrainStartedEvent;
import org.openvdi.broker.pool.api.PoolState;
import org.openvdi.broker.pool.api.OpenPoolRolloutCommand;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolRecordingChangedEvent;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.PoolRolloutClosedEvent;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.openvdi.broker.pool.api.PoolSpareTargetChangedEvent;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.RecordPoolSpareTargetCommand;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.TargetReason;
import org.openvdi.broker.pool.api.RecordPoolDeletedCommand;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.SessionLimits;

/** A pool of desktops from one template version: its sizes and who may use it. */
@Aggregate
class DesktopPool {

    static final String USER = "USER";
    static final String GROUP = "GROUP";

    @AggregateIdentifier
    private UUID poolId;
    private String name;
    private int minSpare;
    private int maxSize;
    private PowerPolicy powerPolicy;
    private Set<String> users = new HashSet<>();
    private Set<String> groups = new HashSet<>();
    private int templateVersion;
    private UUID activeRollout;
    private boolean recording;
    private SparePolicy sparePolicy;
    private Integer spareTarget;
    private TargetReason spareTargetReason;
    private boolean spareTargetForecastOnly;
    private PoolState state = PoolState.ACTIVE;
    private SessionLimits sessionLimits = SessionLimits.NONE;
    private Set<String> hostSelector = new TreeSet<>();
    private String placementProblem;

    DesktopPool() {
    }

    @CommandHandler
    DesktopPool(CreatePoolCommand command, @MetaDataValue("user") String user) {
        SparePolicy spares = orStatic(command.sparePolicy(), command.minSpare(), command.maxSize());
        checkLimits(command.sessionLimits());
        apply(new PoolCreatedEvent(command.poolId(), command.name(), command.templateId(), command.templateVersion(),
                command.type(), command.powerPolicy(), spares.baseline(), command.maxSize(),
                Set.copyOf(command.entitledUsers()), Set.copyOf(command.entitledGroups()), user, command.recording(),
                spares));
        changeLimits(command.poolId(), command.sessionLimits(), user);
        changeSelector(command.poolId(), command.hostSelector(), user);
    }

    @CommandHandler
    void handle(ReconfigurePoolCommand command, @MetaDataValue("user") String user) {
        requireActive();
        SparePolicy spares = orStatic(command.sparePolicy(), command.minSpare(), command.maxSize());
        checkLimits(command.sessionLimits());
        apply(new PoolReconfiguredEvent(poolId, command.name(), spares.baseline(), command.maxSize(),
                command.powerPolicy(), user, spares));
        diff(USER, users, command.entitledUsers(), user);
        diff(GROUP, groups, Set.copyOf(command.entitledGroups()), user);
        if (command.recording() != recording) {
            apply(new PoolRecordingChangedEvent(poolId, command.recording(), user));
        }
        changeLimits(command.poolId(), command.sessionLimits(), user);
        changeSelector(command.poolId(), command.hostSelector(), user);
    }

    private void changeSelector(UUID pool, Set<String> wanted, String user) {
        HostSelector selector;
        try {
            selector = HostSelector.of(wanted);
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, e.getMessage(), "hostSelector");
        }
        if (!selector.terms().equals(hostSelector)) {
            apply(new PoolHostSelectorChangedEvent(pool, selector.terms(), user));
        }
    }

    /** Records when the pool's desktops cannot be placed, and when they can again; the same state again is a no-op. */
    @CommandHandler
    void handle(RecordPoolPlacementCommand command) {
        if (java.util.Objects.equals(command.problem(), placementProblem)) {
            return;
        }
        if (command.problem() == null) {
            apply(new PoolPlacementRestoredEvent(poolId));
        } else {
            apply(new PoolPlacementBlockedEvent(poolId, new TreeSet<>(hostSelector), command.problem()));
        }
    }

    private void changeLimits(UUID pool, SessionLimits wanted, String user) {
        SessionLimits limits = wanted == null ? SessionLimits.NONE : wanted;
        checkLimits(limits);
        if (!limits.equals(sessionLimits)) {
            apply(new PoolSessionLimitsChangedEvent(pool, limits, user));
        }
    }

    private static void checkLimits(SessionLimits limits) {
        if (limits != null) {
            limits.problem().ifPresent(problem -> {
                throw new BrokerException(ErrorCode.POOL_LIMITS_INVALID, problem, "sessionLimits");
            });
        }
    }

    @CommandHandler
    void handle(ChangePoolCommand command, @MetaDataValue("user") String user) {
        requireActive();
        SparePolicy spares = sparePolicy;
        if (command.sparePolicy() != null) {
            spares = command.sparePolicy();
        } else if (command.minSpare() != null) {
            if (!(sparePolicy instanceof SparePolicy.Static)) {
                throw new BrokerException(ErrorCode.SPARE_POLICY_INVALID, "minSpare only sets a STATIC spare policy;"
                        + " this pool's is " + sparePolicy.kind() + ": change sparePolicy instead", "minSpare");
            }
            spares = orStatic(null, command.minSpare(), or(command.maxSize(), maxSize));
        }
        handle(new ReconfigurePoolCommand(poolId, or(command.name(), name), spares.baseline(),
                or(command.maxSize(), maxSize), or(command.powerPolicy(), powerPolicy),
                Set.copyOf(or(command.entitledUsers(), users)), Set.copyOf(or(command.entitledGroups(), groups)),
                or(command.recording(), recording), spares, or(command.sessionLimits(), sessionLimits),
                or(command.hostSelector(), hostSelector)), user);
    }

    /** Records a computed spare target when it differs from the current one (count, reason or forecast-only). */
    @CommandHandler
    void handle(RecordPoolSpareTargetCommand command) {
        if (spareTarget != null && spareTarget == command.spares() && spareTargetReason == command.reason()
                && spareTargetForecastOnly == command.forecastOnly()) {
            return;
        }
        apply(new PoolSpareTargetChangedEvent(poolId, spareTarget, command.spares(), command.reason(),
                command.forecastOnly()));
    }

    /** The policy, or {@code STATIC(minSpare)} without one; its baseline within the pool's sizes. */
    private static SparePolicy orStatic(SparePolicy policy, int minSpare, int maxSize) {
        if (policy != null) {
            checkSizes(policy.baseline(), maxSize);
            return policy;
        }
        checkSizes(minSpare, maxSize);
        try {
            return new SparePolicy.Static(minSpare);
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.POOL_SIZE_INVALID, e.getMessage());
        }
    }

    private static <T> T or(T changed, T current) {
        return changed != null ? changed : current;
    }

    @CommandHandler
    void handle(OpenPoolRolloutCommand command, @MetaDataValue("user") String user) {
        if (activeRollout != null && activeRollout.equals(command.rolloutId())) {
            return;
        }
        requireActive();
        if (activeRollout != null && !activeRollout.equals(command.replacing())) {
            throw new BrokerException(ErrorCode.ROLLOUT_ACTIVE, "Rollout " + activeRollout + " is moving this pool already");
        }
        if (command.replacing() == null && command.toVersion() == templateVersion) {
            throw new BrokerException(ErrorCode.ROLLOUT_SAME_VERSION, "The pool is on version " + templateVersion + " already");
        }
        if (activeRollout != null) {
            apply(new PoolRolloutClosedEvent(poolId, activeRollout));
        }
        apply(new PoolRolloutOpenedEvent(poolId, command.rolloutId(), templateVersion, command.toVersion(),
                command.replacing(), user));
    }

    @CommandHandler
    void handle(ChangePoolTemplateVersionCommand command) {
        if (!command.rolloutId().equals(activeRollout)) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Only the pool's rollout changes its template version");
        }
        if (command.version() != templateVersion) {
            apply(new PoolTemplateVersionChangedEvent(poolId, command.rolloutId(), templateVersion, command.version()));
        }
    }

    @CommandHandler
    void handle(ClosePoolRolloutCommand command) {
        if (command.rolloutId().equals(activeRollout)) {
            apply(new PoolRolloutClosedEvent(poolId, command.rolloutId()));
        }
    }

    /**
     * Starts the drain that ends in the pool's deletion; a pool that drains or is deleted already stays as it is.
     * A rollout moving the pool blocks it: the admin cancels the rollout first (or lets it finish).
     */
    @CommandHandler
    void handle(DeletePoolCommand command, @MetaDataValue("user") String user) {
        if (state != PoolState.ACTIVE) {
            return;
        }
        if (activeRollout != null) {
            throw new BrokerException(ErrorCode.ROLLOUT_ACTIVE, "Rollout " + activeRollout + " is moving pool \"" + name
                    + "\" to a new version: cancel it or let it finish before deleting the pool");
        }
        apply(new PoolDrainStartedEvent(poolId, name, command.deadline(), command.message(), command.userDisks(), user));
    }

    @CommandHandler
    void handle(RecordPoolDeletedCommand command) {
        if (state == PoolState.DELETED) {
            return;
        }
        if (state != PoolState.DRAINING) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Pool " + poolId + " is not being deleted");
        }
        apply(new PoolDeletedEvent(poolId, name));
    }

    private void requireActive() {
        if (state == PoolState.DRAINING) {
            throw new BrokerException(ErrorCode.POOL_DRAINING, "Pool \"" + name + "\" is being deleted");
        }
        if (state == PoolState.DELETED) {
            throw new BrokerException(ErrorCode.POOL_DELETED, "Pool \"" + name + "\" is deleted");
        }
    }

    private void diff(String kind, Set<String> current, Set<String> wanted, String by) {
        wanted.stream().filter(p -> !current.contains(p)).sorted()
                .forEach(p -> apply(new EntitlementGrantedEvent(poolId, kind, p, by)));
        current.stream().filter(p -> !wanted.contains(p)).sorted().toList()
                .forEach(p -> apply(new EntitlementRevokedEvent(poolId, kind, p, by)));
    }

    private static void checkSizes(int minSpare, int maxSize) {
        if (minSpare < 0 || maxSize < 1 || minSpare > maxSize) {
            throw new BrokerException(ErrorCode.POOL_SIZE_INVALID,
                    "Need 0 <= minSpare <= maxSize and maxSize >= 1 (got minSpare " + minSpare + ", maxSize " + maxSize + ")");
        }
    }

    @EventSourcingHandler
    void on(PoolCreatedEvent event) {
        poolId = event.poolId();
        name = event.name();
        minSpare = event.minSpare();
        maxSize = event.maxSize();
        powerPolicy = event.powerPolicy();
        users = new HashSet<>(event.entitledUsers());
        groups = new HashSet<>(event.entitledGroups());
        templateVersion = event.templateVersion();
        recording = event.recording();
        sparePolicy = event.sparePolicy();
        implyStaticTarget();
    }

    /**
     * A STATIC policy's count is the pool's target from the event that set it: the configuration change is its
     * record (with who made it), so no target event repeats it. The other kinds' targets come from the process.
     */
    private void implyStaticTarget() {
        if (sparePolicy instanceof SparePolicy.Static s) {
            spareTarget = s.spares();
            spareTargetReason = TargetReason.STATIC;
            spareTargetForecastOnly = false;
        }
    }

    @EventSourcingHandler
    void on(PoolSpareTargetChangedEvent event) {
        spareTarget = event.to();
        spareTargetReason = event.reason();
        spareTargetForecastOnly = event.forecastOnly();
    }

    @EventSourcingHandler
    void on(PoolDrainStartedEvent event) {
        state = PoolState.DRAINING;
    }

    @EventSourcingHandler
    void on(PoolDeletedEvent event) {
        state = PoolState.DELETED;
    }

    @EventSourcingHandler
    void on(PoolHostSelectorChangedEvent event) {
        hostSelector = new TreeSet<>(event.hostSelector());
    }

    @EventSourcingHandler
    void on(PoolPlacementBlockedEvent event) {
        placementProblem = event.reason();
    }

    @EventSourcingHandler
    void on(PoolPlacementRestoredEvent event) {
        placementProblem = null;
    }

    @EventSourcingHandler
    void on(PoolSessionLimitsChangedEvent event) {
        sessionLimits = event.limits();
    }

    @EventSourcingHandler
    void on(PoolRecordingChangedEvent event) {
        recording = event.recording();
    }

    @EventSourcingHandler
    void on(PoolRolloutOpenedEvent event) {
        activeRollout = event.rolloutId();
    }

    @EventSourcingHandler
    void on(PoolTemplateVersionChangedEvent event) {
        templateVersion = event.toVersion();
    }

    @EventSourcingHandler
    void on(PoolRolloutClosedEvent event) {
        activeRollout = null;
    }

    @EventSourcingHandler
    void on(PoolReconfiguredEvent event) {
        name = event.name();
        minSpare = event.minSpare();
        maxSize = event.maxSize();
        powerPolicy = event.powerPolicy();
        sparePolicy = event.sparePolicy();
        implyStaticTarget();
    }

    @EventSourcingHandler
    void on(EntitlementGrantedEvent event) {
        (USER.equals(event.kind()) ? users : groups).add(event.principal());
    }

    @EventSourcingHandler
    void on(EntitlementRevokedEvent event) {
        (USER.equals(event.kind()) ? users : groups).remove(event.principal());
    }
}
