package org.openvdi.broker.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopMoveCommand;
import org.openvdi.broker.host.DrainBlockers;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.openvdi.broker.pool.api.PoolHostSelectorChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * Placement on test-driver hosts, driven directly on the real read models: desktops leave a draining host and hosts
 * their pool's selector no longer matches (powered-off persistent ones are moved to a matching host with room, idle
 * floating ones recycled, the rest wait), never to a host the selector does not match; an emptied draining host is
 * recorded drained; the host's view names what still blocks its drain.
 */
class PlacementProcessTest {

    private static ProcessHarness harness;
    private static PlacementProcess process;
    private static HostQueries hosts;
    private final UUID berlin = UUID.randomUUID();
    private final UUID paris = UUID.randomUUID();
    private final UUID berlin2 = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(PlacementProcess.class);
        process = harness.bean(PlacementProcess.class);
        hosts = harness.bean(HostQueries.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RequestDesktopMoveCommand.class, RecycleDesktopCommand.class,
                RecordHostDrainedCommand.class);
        harness.given(testDriverHost(berlin, 10)).given(new HostLabelsChangedEvent(berlin, Set.of("site=berlin"), "admin"))
                .given(testDriverHost(paris, 10)).given(new HostLabelsChangedEvent(paris, Set.of("site=paris", "gpu"), "admin"));
    }

    private void persistentPool(String... selector) {
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 10, "alice", "bob"));
        harness.given(new PoolHostSelectorChangedEvent(pool, Set.of(selector), "admin"));
    }

    private void poweredOff(UUID desktop, UUID host, String owner) {
        harness.given(readyDesktop(desktop, pool, host, owner)).given(new DesktopPoweredOffEvent(desktop, "session ended"));
    }

    private void drain(UUID host) {
        harness.given(new HostCordonedEvent(host, "kernel update", "admin"), new HostDrainStartedEvent(host, "kernel update", "admin"));
    }

    @Test
    void givenDrainingHostWithAPoweredOffPersistentDesktop_whenPlaced_thenItMovesToAnotherHostItsSelectorMatches() {
        harness.given(testDriverHost(berlin2, 10)).given(new HostLabelsChangedEvent(berlin2, Set.of("site=berlin"), "admin"));
        persistentPool("site=berlin");
        UUID desktop = UUID.randomUUID();
        poweredOff(desktop, berlin, "alice");
        drain(berlin);

        process.place();

        assertThat(commands.sent(RequestDesktopMoveCommand.class)).containsExactly(
                new RequestDesktopMoveCommand(desktop, berlin2, PlacementProcess.DRAIN_REASON));
        assertThat(commands.sent(RecordHostDrainedCommand.class)).isEmpty();
        assertThat(commands.actors()).containsOnly("system");
    }

    @Test
    void givenDrainingHostAndNoOtherMatchingHost_whenPlaced_thenThePersistentDesktopStaysAndTheHostSaysWhy() {
        persistentPool("site=berlin");
        UUID desktop = UUID.randomUUID();
        poweredOff(desktop, berlin, "alice");
        drain(berlin);

        process.place();

        assertThat(commands.all()).isEmpty();
        DrainBlockers blockers = hosts.findWithDrainBlockers(berlin).orElseThrow().drainBlockers();
        assertThat(blockers.awaitingMove()).containsExactly(desktop);
        assertThat(blockers.describe()).contains("1 desktop powered off, waiting for a matching host with room");
    }

    @Test
    void givenDrainingHostWithARunningPersistentDesktopAndOneInUse_whenPlaced_thenBothWaitAndBlockTheDrain() {
        harness.given(testDriverHost(berlin2, 10)).given(new HostLabelsChangedEvent(berlin2, Set.of("site=berlin"), "admin"));
        persistentPool("site=berlin");
        UUID running = UUID.randomUUID();
        UUID inUse = UUID.randomUUID();
        harness.given(readyDesktop(running, pool, berlin, "alice"));
        harness.given(readyDesktop(inUse, pool, berlin, "bob")).given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), "bob", false));
        drain(berlin);

        process.place();

        assertThat(commands.all()).isEmpty();
        DrainBlockers blockers = hosts.findWithDrainBlockers(berlin).orElseThrow().drainBlockers();
        assertThat(blockers.awaitingPowerOff()).containsExactly(running);
        assertThat(blockers.inUse()).containsExactly(inUse);
    }

    @Test
    void givenAMovingDesktop_whenItsHostIsRead_thenItsDrainIsBlockedByTheMove() {
        harness.given(testDriverHost(berlin2, 10));
        persistentPool();
        UUID desktop = UUID.randomUUID();
        poweredOff(desktop, berlin, "alice");
        harness.given(new DesktopMoveRequestedEvent(desktop, berlin, berlin2, PlacementProcess.DRAIN_REASON));
        drain(berlin);

        process.place();

        assertThat(commands.all()).isEmpty();
        assertThat(hosts.findWithDrainBlockers(berlin).orElseThrow().drainBlockers().moving()).containsExactly(desktop);
    }

    @Test
    void givenSelectorNoLongerMatchingItsHost_whenPlaced_thenPoweredOffPersistentDesktopsMoveToAMatchingHost() {
        persistentPool("site=paris");
        UUID desktop = UUID.randomUUID();
        UUID stays = UUID.randomUUID();
        poweredOff(desktop, berlin, "alice");
        poweredOff(stays, paris, "bob");

        process.place();

        assertThat(commands.sent(RequestDesktopMoveCommand.class)).containsExactly(
                new RequestDesktopMoveCommand(desktop, paris, PlacementProcess.SELECTOR_REASON));
    }

    @Test
    void givenFloatingPoolWhoseSelectorNoLongerMatches_whenPlaced_thenIdleSparesAreRecycledAndDesktopsInUseStay() {
        harness.given(floatingPool(pool, 2, 10)).given(new PoolHostSelectorChangedEvent(pool, Set.of("gpu"), "admin"));
        UUID spare = UUID.randomUUID();
        UUID inUse = UUID.randomUUID();
        UUID matching = UUID.randomUUID();
        harness.given(readyDesktop(spare, pool, berlin, null));
        harness.given(readyDesktop(inUse, pool, berlin, null)).given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), "bob", false));
        harness.given(readyDesktop(matching, pool, paris, null));

        process.place();

        assertThat(commands.sent(RecycleDesktopCommand.class)).containsExactly(
                new RecycleDesktopCommand(spare, PlacementProcess.SELECTOR_REASON));
        assertThat(commands.sent(RequestDesktopMoveCommand.class)).isEmpty();
    }

    @Test
    void givenSelectorThatExcludesAHost_whenPlaced_thenNoDesktopIsEverMovedThere() {
        persistentPool("!gpu");
        UUID desktop = UUID.randomUUID();
        poweredOff(desktop, berlin, "alice");
        drain(berlin);

        process.place();

        // paris has room but carries gpu: the desktop waits rather than go there
        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenEmptyDrainingHost_whenPlaced_thenItIsRecordedDrained() {
        drain(paris);

        process.place();

        assertThat(commands.sent(RecordHostDrainedCommand.class)).containsExactly(new RecordHostDrainedCommand(paris));
        assertThat(hosts.findWithDrainBlockers(paris).orElseThrow().drainBlockers().none()).isTrue();
    }
}
