package org.openvdi.broker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The evacuation driven directly with the events it handles, on the real read models: a draining or
 * downed host's idle desktops (spares nobody owns, desktops never ready yet) are recycled to be replaced
 * elsewhere; desktops in use and persistent desktops holding their user's disk stay; a draining host is
 * recorded drained once no desktop is left on it.
 */
class HostEvacuationTest {

    private static final String ALICE = "alice";

    private static ProcessHarness harness;
    private static HostEvacuation evacuation;
    private final UUID host = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID persistentPool = UUID.randomUUID();
    private final UUID spare = UUID.randomUUID();
    private final UUID provisioning = UUID.randomUUID();
    private final UUID inUse = UUID.randomUUID();
    private final UUID owned = UUID.randomUUID();
    private final UUID poweringOn = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(HostEvacuation.class);
        evacuation = harness.bean(HostEvacuation.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecycleDesktopCommand.class, RecordHostDrainedCommand.class);
        harness.given(testDriverHost(host, 10)).given(floatingPool(pool, 2, 10))
                .given(pool(persistentPool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 10, ALICE));
    }

    @Test
    void givenHostWithIdleAndBusyDesktops_whenItsDrainStarts_thenOnlyTheIdleOnesAreRecycledAndTheDrainGoesOn() {
        givenEveryKindOfDesktop();
        HostDrainStartedEvent drain = drainStarted();

        evacuation.on(drain);

        assertThat(commands.all()).containsExactlyInAnyOrder(new RecycleDesktopCommand(spare, "host drained"),
                new RecycleDesktopCommand(provisioning, "host drained"));
        assertThat(commands.actors()).containsOnly("system");
    }

    @Test
    void givenHostWithIdleAndBusyDesktops_whenItGoesDown_thenOnlyTheIdleOnesAreRecycledAndNoDrainIsRecorded() {
        givenEveryKindOfDesktop();
        HostWentDownEvent down = new HostWentDownEvent(host, "did not answer");
        harness.given(down);

        evacuation.on(down);

        assertThat(commands.all()).containsExactlyInAnyOrder(new RecycleDesktopCommand(spare, "host down"),
                new RecycleDesktopCommand(provisioning, "host down"));
    }

    @Test
    void givenHostWithOnlyDestroyedDesktops_whenItsDrainStarts_thenItIsRecordedDrainedAtOnce() {
        harness.given(readyDesktop(spare, pool, host, null)).given(new DesktopRecycledEvent(spare, "session ended"))
                .given(new DesktopDestroyedEvent(spare));

        evacuation.on(drainStarted());

        assertThat(commands.all()).containsExactly(new RecordHostDrainedCommand(host));
    }

    @Test
    void givenDrainingHost_whenItsLastDesktopIsDestroyed_thenItIsRecordedDrained() {
        harness.given(readyDesktop(spare, pool, host, null)).given(new DesktopRecycledEvent(spare, "host drained"));
        drainStarted();
        DesktopDestroyedEvent destroyed = new DesktopDestroyedEvent(spare);
        harness.given(destroyed);

        evacuation.on(destroyed);

        assertThat(commands.all()).containsExactly(new RecordHostDrainedCommand(host));
    }

    @Test
    void givenDrainingHost_whenADesktopIsDestroyedWhileAnotherIsStillInUse_thenTheDrainGoesOn() {
        harness.given(readyDesktop(spare, pool, host, null)).given(new DesktopRecycledEvent(spare, "host drained"))
                .given(readyDesktop(inUse, pool, host, null)).given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), ALICE, false));
        drainStarted();
        DesktopDestroyedEvent destroyed = new DesktopDestroyedEvent(spare);
        harness.given(destroyed);

        evacuation.on(destroyed);

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenHostNotDraining_whenItsLastDesktopIsDestroyed_thenNoDrainIsRecorded() {
        harness.given(readyDesktop(spare, pool, host, null)).given(new DesktopRecycledEvent(spare, "session ended"));
        DesktopDestroyedEvent destroyed = new DesktopDestroyedEvent(spare);
        harness.given(destroyed);

        evacuation.on(destroyed);

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenSpareTakenIntoUseWhileTheDrainStarts_whenItsRecycleIsRefused_thenItStaysAndTheOtherIdleDesktopsAreStillRecycled() {
        UUID other = UUID.randomUUID();
        harness.given(readyDesktop(spare, pool, host, null)).given(readyDesktop(other, pool, host, null));
        commands.reset();
        commands.answer(RecycleDesktopCommand.class, recycle -> {
            if (recycle.desktopId().equals(spare)) {
                throw new BrokerException(ErrorCode.DESKTOP_IN_USE, "desktop " + spare + " was just assigned");
            }
            return null;
        });

        evacuation.on(drainStarted());

        assertThat(commands.sent(RecycleDesktopCommand.class)).extracting(RecycleDesktopCommand::desktopId)
                .containsExactlyInAnyOrder(spare, other);
    }

    /** A spare nobody owns, one being provisioned, one in use, a persistent one released to its owner, one powering on. */
    /** A desktop being recomposed by a rollout holds its user's disk and is on its way back: it is not idle. */
    @Test
    void givenHostWithADesktopBeingRecomposed_whenItsDrainStarts_thenItStaysAndCountsAsOnTheHost() {
        UUID recomposing = UUID.randomUUID();
        harness.given(readyDesktop(recomposing, persistentPool, host, ALICE))
                .given(new org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent(recomposing, 1, 2, UUID.randomUUID()));
        HostDrainStartedEvent drain = drainStarted();

        evacuation.on(drain);

        assertThat(commands.all()).isEmpty();
        assertThat(harness.bean(org.openvdi.broker.desktop.DesktopQueries.class).activeDesktopsOn(host)).isEqualTo(1);
        assertThat(harness.bean(org.openvdi.broker.desktop.DesktopQueries.class)
                .countOccupying(persistentPool, java.util.List.of())).as("it counts against its pool's size").isEqualTo(1);
        assertThat(harness.bean(org.openvdi.broker.desktop.DesktopQueries.class).ownersWithUsableDesktop(persistentPool))
                .as("its owner gets it back, not a second desktop").containsExactly(ALICE);
    }

    private void givenEveryKindOfDesktop() {
        harness.given(readyDesktop(spare, pool, host, null))
                .given(new DesktopProvisioningRequestedEvent(provisioning, pool, host, Histories.TEMPLATE, 1, null))
                .given(readyDesktop(inUse, pool, host, null))
                .given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), ALICE, false))
                .given(readyDesktop(owned, persistentPool, host, null))
                .given(new DesktopAssignedEvent(owned, UUID.randomUUID(), ALICE, true))
                .given(new DesktopReleasedEvent(owned, null, ALICE))
                .given(readyDesktop(poweringOn, persistentPool, host, "bob"))
                .given(new DesktopPoweredOffEvent(poweringOn)).given(new DesktopPowerOnRequestedEvent(poweringOn));
    }

    private HostDrainStartedEvent drainStarted() {
        HostDrainStartedEvent drain = new HostDrainStartedEvent(host, "maintenance", "admin");
        harness.given(drain);
        return drain;
    }
}
