package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolRolloutClosedEvent;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.rollout.PoolRolloutHistory.Action;
import org.openvdi.broker.rollout.PoolRolloutHistory.RolloutAction;
import org.openvdi.broker.rollout.PoolRolloutHistory.VersionPeriod;
import org.openvdi.broker.rollout.api.*;

/** A pool's versions and rollouts, with who steered each, answered from a given event history alone. */
class PoolRolloutHistoryTest {

    static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID FIRST = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    static final UUID BACK = UUID.fromString("00000000-0000-0000-0000-0000000000e2");
    static final UUID CANCELLED = UUID.fromString("00000000-0000-0000-0000-0000000000e3");
    static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
    static final RolloutStrategy STRATEGY = new RolloutStrategy(1, Budget.count(1), 1, LogoffPolicy.FORCE_AFTER,
            Duration.ofMinutes(30), "Save your work", Duration.ofMinutes(15), Duration.ofMinutes(10), 2);

    private static EventMessage<?> at(int minute, Object event) {
        return new GenericEventMessage<>(UUID.randomUUID().toString(), event, Map.of(), minute(minute));
    }

    private static Instant minute(int m) {
        return T0.plusSeconds(60L * m);
    }

    private static final List<EventMessage<?>> POOL_EVENTS = List.of(
            at(0, new PoolCreatedEvent(POOL, "office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 1, 5,
                    Set.of("alice"), Set.of(), "admin")),
            at(1, new PoolRolloutOpenedEvent(POOL, FIRST, 1, 2, null, "admin")),
            at(5, new PoolTemplateVersionChangedEvent(POOL, FIRST, 1, 2)),
            at(9, new PoolRolloutClosedEvent(POOL, FIRST)),
            at(9, new PoolRolloutOpenedEvent(POOL, BACK, 2, 1, FIRST, "admin")),
            at(11, new PoolTemplateVersionChangedEvent(POOL, BACK, 2, 1)),
            at(15, new PoolRolloutClosedEvent(POOL, BACK)),
            at(20, new PoolRolloutOpenedEvent(POOL, CANCELLED, 1, 3, null, "admin")),
            at(22, new PoolRolloutClosedEvent(POOL, CANCELLED)));

    private static final Map<UUID, List<EventMessage<?>>> ROLLOUT_EVENTS = Map.of(
            FIRST, List.of(
                    at(1, new RolloutStartedEvent(FIRST, POOL, TEMPLATE, 1, 2, STRATEGY, minute(1), null, "admin")),
                    at(2, new RolloutBegunEvent(FIRST, POOL, 3, 1)),
                    at(4, new RolloutDesktopUpdatedEvent(FIRST, POOL, UUID.randomUUID(), UUID.randomUUID(), RolloutStage.CANARY, 2)),
                    at(4, new RolloutCanaryPassedEvent(FIRST, POOL, 2, 1)),
                    at(6, new RolloutPausedEvent(FIRST, POOL, PauseReason.FAILURE_THRESHOLD, "2 desktop(s) failed", "system")),
                    at(7, new RolloutResumedEvent(FIRST, POOL, "bob-the-admin")),
                    at(9, new RolloutRolledBackEvent(FIRST, POOL, BACK, 1, "admin"))),
            BACK, List.of(
                    at(9, new RolloutStartedEvent(BACK, POOL, TEMPLATE, 2, 1, STRATEGY, minute(9), FIRST, "admin")),
                    at(10, new RolloutBegunEvent(BACK, POOL, 1, 1)),
                    at(11, new RolloutCanaryPassedEvent(BACK, POOL, 1, 1)),
                    at(15, new RolloutCompletedEvent(BACK, POOL, 1, 1, 0))),
            CANCELLED, List.of(
                    at(20, new RolloutStartedEvent(CANCELLED, POOL, TEMPLATE, 1, 3, STRATEGY, minute(30), null, "carol")),
                    at(21, new RolloutPausedEvent(CANCELLED, POOL, PauseReason.ADMIN, null, "carol")),
                    at(22, new RolloutCancelledEvent(CANCELLED, POOL, 0, 0, "dave"))));

    @Test
    void givenPoolRolledOutRolledBackAndCancelled_whenItsHistoryIsRead_thenEveryRolloutWithWhoSteeredItAndItsOutcome() {
        var history = PoolRolloutHistory.of(POOL_EVENTS, ROLLOUT_EVENTS::get).orElseThrow();

        assertThat(history.name()).isEqualTo("office");
        assertThat(history.versions()).containsExactly(
                new VersionPeriod(1, null, minute(0), minute(5)),
                new VersionPeriod(2, FIRST, minute(5), minute(11)),
                new VersionPeriod(1, BACK, minute(11), null));
        assertThat(history.rollouts()).extracting(PoolRolloutHistory.RolloutRecord::rolloutId)
                .containsExactly(FIRST, BACK, CANCELLED);

        var first = history.rollouts().get(0);
        assertThat(first.strategy()).isEqualTo(STRATEGY);
        assertThat(first.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(first.rolledBackBy()).isEqualTo(BACK);
        assertThat(first.updated()).isEqualTo(1);
        assertThat(first.finishedAt()).isEqualTo(minute(9));
        assertThat(first.actions()).extracting(Action::action, Action::by).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RolloutAction.STARTED, "admin"),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.BEGUN, null),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.CANARY_PASSED, null),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.PAUSED, "system"),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.RESUMED, "bob-the-admin"),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.ROLLED_BACK, "admin"));
        assertThat(first.actions().get(3).detail()).isEqualTo("FAILURE_THRESHOLD: 2 desktop(s) failed");

        var back = history.rollouts().get(1);
        assertThat(back.rollbackOf()).isEqualTo(FIRST);
        assertThat(back.state()).isEqualTo(RolloutState.COMPLETED);
        assertThat(back.toVersion()).isEqualTo(1);

        var cancelled = history.rollouts().get(2);
        assertThat(cancelled.startedBy()).isEqualTo("carol");
        assertThat(cancelled.startAt()).isEqualTo(minute(30));
        assertThat(cancelled.total()).as("it never began").isNull();
        assertThat(cancelled.state()).isEqualTo(RolloutState.CANCELLED);
        assertThat(cancelled.actions()).extracting(Action::action, Action::by).containsExactly(
                org.assertj.core.groups.Tuple.tuple(RolloutAction.STARTED, "carol"),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.PAUSED, "carol"),
                org.assertj.core.groups.Tuple.tuple(RolloutAction.CANCELLED, "dave"));
        assertThat(cancelled.actions().get(2).detail()).contains("new desktops use version 1");
    }

    @Test
    void givenRolloutStillRunning_whenItsHistoryIsRead_thenItsOutcomeIsWhereItStands() {
        var history = PoolRolloutHistory.of(POOL_EVENTS.subList(0, 2),
                id -> ROLLOUT_EVENTS.get(id).subList(0, 5)).orElseThrow();

        assertThat(history.rollouts()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RolloutState.PAUSED);
            assertThat(r.finishedAt()).isNull();
            assertThat(r.total()).isEqualTo(3);
        });
    }

    @Test
    void givenEventsOfSomethingElseOrARefusedStart_whenRead_thenNoPoolOrNoRollout() {
        assertThat(PoolRolloutHistory.of(List.of(), id -> List.of())).isEmpty();
        var onlyOpened = PoolRolloutHistory.of(POOL_EVENTS.subList(0, 2), id -> List.of()).orElseThrow();
        assertThat(onlyOpened.rollouts()).isEmpty();
    }
}
