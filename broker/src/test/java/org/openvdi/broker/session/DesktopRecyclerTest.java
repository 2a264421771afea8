package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.RecordDesktopPoweredOffCommand;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.SuspendDesktopCommand;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.PowerAction;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The recycler driven directly on the real read models: a session's end hands its desktop back (and
 * powers a persistent one off where its pool says so); a lost or failed desktop ends its session.
 */
class DesktopRecyclerTest {

    private static final UUID HOST = UUID.randomUUID();
    private static final String ALICE = "alice";

    private static ProcessHarness harness;
    private static DesktopRecycler recycler;
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(DesktopRecycler.class);
        recycler = harness.bean(DesktopRecycler.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(ReleaseDesktopCommand.class, RecordDesktopPoweredOffCommand.class,
                EndSessionCommand.class, SuspendDesktopCommand.class);
        harness.given(testDriverHost(HOST, 5));
    }

    @Test
    void givenFloatingDesktopInUse_whenItsSessionEnds_thenTheDesktopIsReleasedForRecycling() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));

        recycler.on(ended(desktop));

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session));
    }

    @Test
    void givenADesktopAssignedToASessionThatTookAnotherOne_whenTheSessionEnds_thenBothAreReleased() {
        UUID stranded = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(readyDesktop(stranded, pool, HOST, null))
                .given(new DesktopAssignedEvent(stranded, session, ALICE, false))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));

        recycler.on(ended(desktop));

        assertThat(commands.all()).containsExactlyInAnyOrder(new ReleaseDesktopCommand(stranded, session),
                new ReleaseDesktopCommand(desktop, session));
    }

    @Test
    void givenADesktopAssignedToASessionThatNeverTookIt_whenTheSessionFails_thenTheDesktopIsReleased() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));

        recycler.on(new SessionFailedEvent(session, ErrorCode.NO_HOST_AVAILABLE, "no desktop in time"));

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session));
    }

    @Test
    void givenPersistentDesktopInAPoolThatPowersIdleDesktopsOff_whenItsSessionEnds_thenItIsReleasedAndRecordedPoweredOff() {
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 3, ALICE))
                .given(readyDesktop(desktop, pool, HOST, null)).given(new DesktopAssignedEvent(desktop, session, ALICE, true));

        recycler.on(ended(desktop));

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session),
                new RecordDesktopPoweredOffCommand(desktop, "session " + session + " ended: logged off"));
    }

    private void persistentPoolWith(PowerPolicy atLogoff, PowerAction whenDisconnected) {
        harness.given(pool(pool, PoolType.PERSISTENT, atLogoff, 0, 3, ALICE))
                .given(new PoolSessionLimitsChangedEvent(pool, new SessionLimits(whenDisconnected, Duration.ofMinutes(15),
                        null, null, null, null, null), "admin"))
                .given(readyDesktop(desktop, pool, HOST, null)).given(new DesktopAssignedEvent(desktop, session, ALICE, true));
    }

    private SessionEndedEvent endedDisconnected() {
        return new SessionEndedEvent(session, desktop, ALICE, DISCONNECTED, "system", SessionEndCause.DISCONNECTED_POWER_DOWN);
    }

    @Test
    void givenPersistentPoolThatSuspendsDisconnectedDesktops_whenASessionEndsForItsDisconnect_thenItsDesktopIsSuspended() {
        persistentPoolWith(PowerPolicy.KEEP_RUNNING, PowerAction.SUSPEND);

        recycler.on(endedDisconnected());

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session),
                new SuspendDesktopCommand(desktop, "session " + session + " ended: " + DISCONNECTED));
    }

    @Test
    void givenPersistentPoolThatShutsDisconnectedDesktopsDown_whenASessionEndsForItsDisconnect_thenItsDesktopIsPoweredOff() {
        persistentPoolWith(PowerPolicy.KEEP_RUNNING, PowerAction.SHUT_DOWN);

        recycler.on(endedDisconnected());

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session),
                new RecordDesktopPoweredOffCommand(desktop, "session " + session + " ended: " + DISCONNECTED));
    }

    @Test
    void givenPersistentPoolThatSuspendsDisconnectedDesktopsButKeepsThemRunningAtLogoff_whenTheUserLogsOff_thenItKeepsRunning() {
        persistentPoolWith(PowerPolicy.KEEP_RUNNING, PowerAction.SUSPEND);

        recycler.on(new SessionEndedEvent(session, desktop, ALICE, "logoff", ALICE, SessionEndCause.LOGOFF));

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session));
    }

    @Test
    void givenPersistentPoolThatPowersOffAtLogoffAndSuspendsDisconnectedDesktops_whenASessionEndsForItsDisconnect_thenItIsSuspended() {
        persistentPoolWith(PowerPolicy.POWER_OFF_AT_LOGOFF, PowerAction.SUSPEND);

        recycler.on(endedDisconnected());

        assertThat(commands.sent(SuspendDesktopCommand.class)).hasSize(1);
        assertThat(commands.sent(RecordDesktopPoweredOffCommand.class)).isEmpty();
    }

    @Test
    void givenPersistentDesktopInAPoolThatKeepsDesktopsRunning_whenItsSessionEnds_thenItIsOnlyReleased() {
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 3, ALICE))
                .given(readyDesktop(desktop, pool, HOST, null)).given(new DesktopAssignedEvent(desktop, session, ALICE, true));

        recycler.on(ended(desktop));

        assertThat(commands.all()).containsExactly(new ReleaseDesktopCommand(desktop, session));
    }

    @Test
    void givenSessionThatNeverGotADesktop_whenItEnds_thenNothingIsSent() {
        recycler.on(ended(null));

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenDesktopInUse_whenItIsLost_thenItsSessionIsEndedBySystemWithTheReason() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));

        recycler.on(new DesktopLostEvent(desktop, "the VM vanished"));

        assertThat(commands.all()).containsExactly(new EndSessionCommand(session, "desktop lost: the VM vanished", "system"));
    }

    @Test
    void givenDesktopInUse_whenItFails_thenItsSessionIsEnded() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));

        recycler.on(new DesktopFailedEvent(desktop, "start", "no memory"));

        assertThat(commands.all()).containsExactly(new EndSessionCommand(session, "desktop failed: no memory", "system"));
    }

    @Test
    void givenSpareNobodyUses_whenItIsLost_thenNoSessionIsEnded() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null));

        recycler.on(new DesktopLostEvent(desktop, "the VM vanished"));

        assertThat(commands.all()).isEmpty();
    }

    private static final String DISCONNECTED = "disconnected for PT15M: desktop suspended until the next request";

    private SessionEndedEvent ended(UUID desktopId) {
        return new SessionEndedEvent(session, desktopId, ALICE, "logged off", ALICE);
    }
}
