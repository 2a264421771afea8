package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.DesktopVersionHistory.End;
import org.openvdi.broker.desktop.DesktopVersionHistory.Origin;
import org.openvdi.broker.desktop.DesktopVersionHistory.Period;
import org.openvdi.broker.desktop.api.*;

/** Which version a desktop ran, from when to when, answered from a given event history alone. */
class DesktopVersionHistoryTest {

    static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID ROLLOUT_2 = UUID.fromString("00000000-0000-0000-0000-0000000000e2");
    static final UUID ROLLOUT_3 = UUID.fromString("00000000-0000-0000-0000-0000000000e3");
    static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

    private static EventMessage<?> at(int minute, Object event) {
        return new GenericEventMessage<>(UUID.randomUUID().toString(), event, Map.of(), T0.plusSeconds(60L * minute));
    }

    private static Instant minute(int m) {
        return T0.plusSeconds(60L * m);
    }

    @Test
    void givenDesktopProvisionedAndNeverMoved_whenItsHistoryIsRead_thenOneOpenPeriodOnItsFirstVersion() {
        var history = DesktopVersionHistory.of(List.of(
                at(0, new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, null)),
                at(1, new DesktopBecameReadyEvent(DESKTOP, "127.0.0.1", 5900, 1000)))).orElseThrow();

        assertThat(history.desktopId()).isEqualTo(DESKTOP);
        assertThat(history.poolId()).isEqualTo(POOL);
        assertThat(history.versions()).containsExactly(new Period(1, Origin.PROVISIONED, null, minute(0), null, null, null));
    }

    @Test
    void givenOwnedDesktopRecomposedTwice_whenItsHistoryIsRead_thenEachVersionFromWhenToWhenWithTheRolloutThatMovedIt() {
        var history = DesktopVersionHistory.of(List.of(
                at(0, new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice")),
                at(1, new DesktopBecameReadyEvent(DESKTOP, "127.0.0.1", 5900, 1000)),
                at(10, new DesktopRecompositionStartedEvent(DESKTOP, 1, 2, ROLLOUT_2)),
                at(12, new DesktopRecomposedEvent(DESKTOP, 2)),
                at(20, new DesktopRecompositionStartedEvent(DESKTOP, 2, 3, ROLLOUT_3)),
                at(21, new DesktopRecomposedEvent(DESKTOP, 3)),
                at(30, new DesktopPoweredOffEvent(DESKTOP)))).orElseThrow();

        assertThat(history.owner()).isEqualTo("alice");
        assertThat(history.versions()).containsExactly(
                new Period(1, Origin.PROVISIONED, null, minute(0), minute(10), End.RECOMPOSITION,
                        "rollout " + ROLLOUT_2 + " to version 2"),
                new Period(2, Origin.RECOMPOSED, ROLLOUT_2, minute(12), minute(20), End.RECOMPOSITION,
                        "rollout " + ROLLOUT_3 + " to version 3"),
                new Period(3, Origin.RECOMPOSED, ROLLOUT_3, minute(21), null, null, null));
    }

    @Test
    void givenSpareReplacedByARolloutAndDestroyed_whenItsHistoryIsRead_thenItsOnlyPeriodEndsWhenItWasRecycled() {
        var history = DesktopVersionHistory.of(List.of(
                at(0, new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, null)),
                at(5, new DesktopAssignedEvent(DESKTOP, UUID.randomUUID(), "bob", true)),
                at(9, new DesktopRecycledEvent(DESKTOP, "replaced by x on version 2")),
                at(10, new DesktopDestroyedEvent(DESKTOP)))).orElseThrow();

        assertThat(history.owner()).as("claimed by its user").isEqualTo("bob");
        assertThat(history.versions()).containsExactly(new Period(1, Origin.PROVISIONED, null, minute(0), minute(9),
                End.RECYCLED, "replaced by x on version 2"));
    }

    @Test
    void givenRecompositionThatFailed_whenItsHistoryIsRead_thenTheNewVersionNeverRan() {
        var history = DesktopVersionHistory.of(List.of(
                at(0, new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice")),
                at(10, new DesktopRecompositionStartedEvent(DESKTOP, 1, 2, ROLLOUT_2)),
                at(11, new DesktopFailedEvent(DESKTOP, "STARTED", "the display did not answer")))).orElseThrow();

        assertThat(history.versions()).extracting(Period::version).containsExactly(1);
        assertThat(history.versions().get(0).end()).isEqualTo(End.RECOMPOSITION);
    }

    @Test
    void givenEventsOfSomethingElse_whenReadAsADesktopsHistory_thenThereIsNone() {
        assertThat(DesktopVersionHistory.of(List.of())).isEmpty();
        assertThat(DesktopVersionHistory.of(List.of(at(0, new DesktopPoweredOffEvent(DESKTOP))))).isEmpty();
    }
}
