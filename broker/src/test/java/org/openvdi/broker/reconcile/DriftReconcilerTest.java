package org.openvdi.broker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;
import static org.openvdi.broker.testsupport.Histories.unreachableHost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.broker.testsupport.TestDriverMachines;

/**
 * The reconciler driven directly, as its schedule calls it, on the real read models and libvirt's test
 * driver through the real adapter. A desktop the events know as ready or in use whose VM is gone or stopped
 * (GHOST) is recorded as drift and then lost, which hands it to teardown and replacement; a VM of a desktop
 * the events know as destroyed (ORPHAN) is recorded as drift and destroyed; a VM with our naming that no
 * event knows is another installation's and left alone. A host that does not answer is marked down after
 * enough checks in a row, and up again once it answers.
 */
class DriftReconcilerTest {

    private static final int FAILURES_BEFORE_DOWN = 3;

    @TempDir
    static Path images;
    private static ProcessHarness harness;
    private static DriftReconciler reconciler;
    private static TestDriverMachines machines;
    private final UUID host = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        ReconcileProperties properties = new ReconcileProperties(Duration.ofSeconds(10), Duration.ZERO, FAILURES_BEFORE_DOWN,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60), UserDiskFate.KEEP);
        harness = ProcessHarness.start(Map.of(ReconcileProperties.class, properties), GhostRecorder.class,
                DriftReconciler.class);
        reconciler = harness.bean(DriftReconciler.class);
        machines = new TestDriverMachines(harness.hypervisor(), RawImages.write(images.resolve("tiny.raw")));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecordDriftCommand.class, RecordDesktopLostCommand.class,
                MarkHostDownCommand.class, MarkHostUpCommand.class);
        harness.given(testDriverHost(host, 10)).given(floatingPool(pool, 1, 5));
    }

    @Test
    void givenReadyDesktopWhoseVmIsGoneFromTheHost_whenReconciled_thenAGhostDriftIsRecordedThenTheDesktopLost() {
        harness.given(readyDesktop(desktop, pool, host, null));

        reconciler.reconcileAll();

        String detail = "its VM is gone from the host";
        assertThat(commands.all()).containsExactly(new RecordDriftCommand(host, desktop, "GHOST", detail),
                new RecordDesktopLostCommand(desktop, detail));
        assertThat(commands.actors()).containsOnly("system");
    }

    /** Its VM is torn down and defined again on the new image meanwhile: neither a missing VM nor its volume is drift. */
    @Test
    void givenDesktopBeingRecomposedWithItsVmGoneOrStopped_whenReconciled_thenItIsNoGhostAndNoOrphan() {
        UUID other = UUID.randomUUID();
        harness.given(readyDesktop(desktop, pool, host, "alice"))
                .given(new org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent(desktop, 1, 2, UUID.randomUUID()))
                .given(readyDesktop(other, pool, host, "bob"))
                .given(new org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent(other, 1, 2, UUID.randomUUID()));
        machines.defined(host, other);

        reconciler.reconcileAll();
        reconciler.reconcileAll();

        assertThat(commands.all()).isEmpty();
        assertThat(machines.of(host, other)).as("its half-rebuilt VM is left to the recomposition").isNotEmpty();
    }

    @Test
    void givenDesktopInUseWhoseVmStoppedBehindTheBrokersBack_whenReconciled_thenItIsRecordedAsAGhostAndLost() {
        harness.given(readyDesktop(desktop, pool, host, null))
                .given(new DesktopAssignedEvent(desktop, UUID.randomUUID(), "alice", false));
        machines.defined(host, desktop);

        reconciler.reconcileAll();

        String detail = "its VM stopped behind the broker's back";
        assertThat(commands.all()).containsExactly(new RecordDriftCommand(host, desktop, "GHOST", detail),
                new RecordDesktopLostCommand(desktop, detail));
    }

    @Test
    void givenReadyDesktopRunningAsRecordedSinceBeforeTheBrokerStarted_whenReconciled_thenNothingIsSentAndItIsTrustedFromNowOn() {
        harness.givenAt(Instant.now().minus(Duration.ofDays(1)), readyDesktop(desktop, pool, host, null));
        machines.running(host, desktop);
        TrustedDesktops trusted = harness.bean(TrustedDesktops.class);
        assertThat(trusted.trusted(harness.bean(DesktopQueries.class).find(desktop).orElseThrow())).isFalse();

        reconciler.reconcileAll();

        assertThat(commands.all()).isEmpty();
        assertThat(trusted.trusted(harness.bean(DesktopQueries.class).find(desktop).orElseThrow())).isTrue();
        assertThat(machines.of(host, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenVmOfADesktopTheEventsKnowAsDestroyed_whenReconciledTwice_thenAnOrphanDriftIsRecordedAndTheVmDestroyedOnce() {
        harness.given(readyDesktop(desktop, pool, host, null)).given(new DesktopRecycledEvent(desktop, "session ended"))
                .given(new DesktopDestroyedEvent(desktop));
        machines.running(host, desktop);

        reconciler.reconcileAll();
        reconciler.reconcileAll();

        assertThat(commands.all()).containsExactly(new RecordDriftCommand(host, desktop, "ORPHAN",
                "a VM or volume of a desktop that was destroyed"));
        assertThat(machines.of(host, desktop)).isEmpty();
    }

    @Test
    void givenVmWithOurNamingThatNoEventKnows_whenReconciled_thenItIsAnotherInstallationsAndLeftAlone() {
        UUID foreign = UUID.randomUUID();
        machines.running(host, foreign);

        reconciler.reconcileAll();

        assertThat(commands.all()).isEmpty();
        assertThat(machines.of(host, foreign)).containsExactly(new ManagedMachine(foreign.toString(), true, true, true));
    }

    @Test
    void givenHostWhoseLibvirtCannotBeReached_whenReconciledRepeatedly_thenItIsMarkedDownOnlyAfterEnoughFailedChecksInARow() {
        UUID unreachable = UUID.randomUUID();
        harness.given(unreachableHost(unreachable)).given(readyDesktop(desktop, pool, unreachable, null));

        for (int check = 1; check < FAILURES_BEFORE_DOWN; check++) {
            reconciler.reconcileAll();
            assertThat(commands.all()).as("after check %d", check).isEmpty();
        }
        reconciler.reconcileAll();

        assertThat(commands.all()).singleElement().isInstanceOfSatisfying(MarkHostDownCommand.class, down -> {
            assertThat(down.hostId()).isEqualTo(unreachable);
            assertThat(down.reason()).startsWith("connecting to libvirt failed: ").doesNotContain(Histories.UNREACHABLE);
        });
    }

    @Test
    void givenHostRecordedDownThatAnswersAgain_whenReconciled_thenItIsMarkedUpAndItsDesktopsAreChecked() {
        harness.given(readyDesktop(desktop, pool, host, null)).given(new HostWentDownEvent(host, "did not answer"));

        reconciler.reconcileAll();

        String detail = "its VM is gone from the host";
        assertThat(commands.all()).containsExactly(new MarkHostUpCommand(host),
                new RecordDriftCommand(host, desktop, "GHOST", detail), new RecordDesktopLostCommand(desktop, detail));
    }
}
