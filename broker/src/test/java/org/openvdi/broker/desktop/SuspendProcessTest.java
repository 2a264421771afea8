package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendedEvent;
import org.openvdi.broker.desktop.api.RecordDesktopSuspendedCommand;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.broker.testsupport.TestDriverMachines;

/**
 * The suspend process driven directly with the event it handles, on the real read models and libvirt's test driver
 * through the real adapter (the test driver implements managed save: {@code virsh -c test:///default managedsave}
 * stops the domain with a saved state, and the next start consumes it). A desktop recorded as suspending has its VM
 * saved and stopped, keeping its definition and disk; handling the event again (a retry after a crash) saves
 * nothing twice and keeps the saved state; a desktop asked for again meanwhile keeps running.
 */
class SuspendProcessTest {

    private static final String ALICE = "alice";

    @TempDir
    static Path images;
    private static ProcessHarness harness;
    private static SuspendProcess process;
    private static TestDriverMachines machines;
    private final UUID host = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private final ManagedMachine stopped = new ManagedMachine(desktop.toString(), true, false, true);
    private final ManagedMachine running = new ManagedMachine(desktop.toString(), true, true, true);
    private final DesktopSuspendRequestedEvent suspending = new DesktopSuspendRequestedEvent(desktop, "disconnected for PT15M");
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(SuspendProcess.class);
        process = harness.bean(SuspendProcess.class);
        machines = new TestDriverMachines(harness.hypervisor(), RawImages.write(images.resolve("tiny.raw")));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecordDesktopSuspendedCommand.class);
        harness.given(testDriverHost(host, 5))
                .given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 3, ALICE))
                .given(readyDesktop(desktop, pool, host, null))
                .given(new DesktopAssignedEvent(desktop, UUID.randomUUID(), ALICE, true))
                .given(new DesktopReleasedEvent(desktop, null, ALICE));
        machines.running(host, desktop);
    }

    private boolean savedState() {
        // idempotent: asks again, which leaves a saved domain alone and tells whether it has a saved state
        return harness.hypervisor().suspend(TestDriverMachines.target(host), desktop.toString());
    }

    @Test
    void givenDesktopSuspending_whenHandled_thenItsVmIsSavedAndStoppedAndRecordedSuspended() {
        harness.given(suspending);

        process.on(suspending);

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
        assertThat(commands.sent(RecordDesktopSuspendedCommand.class)).singleElement()
                .satisfies(c -> assertThat(c.desktopId()).isEqualTo(desktop))
                .satisfies(c -> assertThat(c.saved()).isTrue());
        assertThat(savedState()).isTrue();
    }

    @Test
    void givenVmSavedButNotYetRecorded_whenTheEventIsHandledAgain_thenTheSavedStateIsKeptAndRecorded() {
        harness.given(suspending);
        process.on(suspending);

        // a crash before the record was made: the event comes again
        process.on(suspending);

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
        assertThat(commands.sent(RecordDesktopSuspendedCommand.class)).hasSize(2).allMatch(RecordDesktopSuspendedCommand::saved);
        assertThat(savedState()).isTrue();
    }

    @Test
    void givenSuspendedDesktopPoweredOnAgain_whenStarted_thenTheSavedStateIsUsedUp() {
        harness.given(suspending);
        process.on(suspending);

        harness.hypervisor().start(TestDriverMachines.target(host), desktop.toString());

        assertThat(machines.of(host, desktop)).containsExactly(running);
        harness.hypervisor().powerOff(TestDriverMachines.target(host), desktop.toString());
        assertThat(savedState()).isFalse();
    }

    @Test
    void givenDesktopAskedForAgainBeforeTheSuspendIsHandled_whenHandled_thenItKeepsRunning() {
        harness.given(suspending).given(new DesktopPowerOnRequestedEvent(desktop));

        process.on(suspending);

        assertThat(machines.of(host, desktop)).containsExactly(running);
        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenDesktopRecordedSuspendedAlready_whenTheEventIsHandledAgain_thenNothingIsSent() {
        harness.given(suspending).given(new DesktopSuspendedEvent(desktop, true, 10));

        process.on(suspending);

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenVmThatStoppedOnItsOwn_whenSuspended_thenRecordedWithoutASavedState() {
        harness.hypervisor().powerOff(TestDriverMachines.target(host), desktop.toString());
        harness.given(suspending);

        process.on(suspending);

        assertThat(commands.sent(RecordDesktopSuspendedCommand.class)).singleElement()
                .satisfies(c -> assertThat(c.saved()).isFalse());
    }

    @Test
    void givenDesktopLeftSuspending_whenTheSweepRuns_thenItIsSuspended() {
        harness.given(suspending);

        process.sweep();

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
        assertThat(commands.sent(RecordDesktopSuspendedCommand.class)).hasSize(1);
    }
}
