package org.openvdi.broker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.broker.testsupport.TestDriverMachines;

/**
 * Reconciliation and persistent desktops' user disks, driven directly on libvirt's test driver through the real
 * adapter and the real read models: a user disk whose desktop was destroyed, or that no event knows, is recorded
 * as drift once, and kept under the default policy ({@code KEEP}); under {@code DELETE} the user disk of a
 * destroyed desktop is deleted, and one no event knows is still kept (it may be another installation's).
 */
class OrphanedUserDiskTest {

    private static final String KEPT = "a user disk of a desktop that was destroyed; kept by policy";
    private static final String DELETED = "a user disk of a desktop that was destroyed; deleted by policy";
    private static final String UNKNOWN = "a user disk of a desktop this broker does not know; kept";

    @TempDir
    static Path images;
    private static ProcessHarness harness;
    private static DriftReconciler keeping;
    private static TestDriverMachines machines;
    private final UUID host = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(Map.of(ReconcileProperties.class, properties(UserDiskFate.KEEP)), GhostRecorder.class,
                DriftReconciler.class);
        keeping = harness.bean(DriftReconciler.class);
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
        harness.given(testDriverHost(host, 10)).given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 5, "alice"));
    }

    /**
     * The drift recorded about these desktops. The test driver's one storage pool serves every host of this class,
     * so the user disks that earlier tests kept show on this test's host too, as disks no event knows.
     */
    private List<RecordDriftCommand> drift(UUID... desktops) {
        List<UUID> ids = List.of(desktops);
        return commands.sent(RecordDriftCommand.class).stream().filter(d -> ids.contains(d.desktopId())).toList();
    }

    @AfterEach
    void removeUserDisks() {
        harness.hypervisor().destroy(TestDriverMachines.target(host), desktop.toString(), UserDiskFate.DELETE);
    }

    private static ReconcileProperties properties(UserDiskFate orphanedUserDisks) {
        return new ReconcileProperties(Duration.ofSeconds(10), Duration.ZERO, 3, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60), orphanedUserDisks);
    }

    /** A second reconciler on the same parts, with the DELETE policy. */
    private static DriftReconciler deleting() {
        return new DriftReconciler(harness.bean(HostQueries.class), harness.bean(DesktopQueries.class), harness.hypervisor(),
                harness.bean(GhostRecorder.class), harness.bean(AuditedCommands.class), harness.bean(ClusterLock.class),
                properties(UserDiskFate.DELETE), harness.bean(TrustedDesktops.class));
    }

    private void destroyedPersistentDesktop() {
        harness.given(readyDesktop(desktop, pool, host, "alice")).given(new DesktopLostEvent(desktop, "its VM is gone"))
                .given(new DesktopDestroyedEvent(desktop));
    }

    @Test
    void givenVmAndUserDiskOfADestroyedDesktop_whenReconciledTwiceUnderKeep_thenBothDriftsAreRecordedOnceAndOnlyTheUserDiskStays() {
        destroyedPersistentDesktop();
        machines.running(host, desktop);
        machines.userDisk(host, desktop, 1);

        keeping.reconcileAll();
        keeping.reconcileAll();

        assertThat(drift(desktop)).containsExactly(new RecordDriftCommand(host, desktop, "ORPHANED_USER_DISK", KEPT),
                new RecordDriftCommand(host, desktop, "ORPHAN", "a VM or volume of a desktop that was destroyed"));
        assertThat(machines.of(host, desktop)).containsExactly(new ManagedMachine(desktop.toString(), false, false, false, true));
    }

    @Test
    void givenOnlyTheUserDiskOfADestroyedDesktop_whenReconciledRepeatedlyUnderKeep_thenItIsRecordedOnceAndNeverDeleted() {
        destroyedPersistentDesktop();
        machines.userDisk(host, desktop, 1);

        for (int check = 0; check < 3; check++) {
            keeping.reconcileAll();
        }

        assertThat(drift(desktop)).containsExactly(new RecordDriftCommand(host, desktop, "ORPHANED_USER_DISK", KEPT));
        assertThat(machines.of(host, desktop)).containsExactly(new ManagedMachine(desktop.toString(), false, false, false, true));
    }

    @Test
    void givenOnlyTheUserDiskOfADestroyedDesktop_whenReconciledUnderDelete_thenItIsRecordedAndDeleted() {
        destroyedPersistentDesktop();
        machines.userDisk(host, desktop, 1);
        DriftReconciler deleting = deleting();

        deleting.reconcileAll();
        deleting.reconcileAll();

        assertThat(drift(desktop)).containsExactly(new RecordDriftCommand(host, desktop, "ORPHANED_USER_DISK", DELETED));
        assertThat(machines.of(host, desktop)).isEmpty();
    }

    @Test
    void givenTheUserDiskOfADesktopWhosePoolsDeletionKeptIt_whenReconciledUnderDelete_thenItIsRecordedAndKept() {
        harness.given(readyDesktop(desktop, pool, host, "alice"))
                .given(new org.openvdi.broker.desktop.api.DesktopRecycledEvent(desktop, "pool deleted", true))
                .given(new DesktopDestroyedEvent(desktop));
        machines.userDisk(host, desktop, 1);
        DriftReconciler deleting = deleting();

        deleting.reconcileAll();
        deleting.reconcileAll();

        assertThat(drift(desktop)).containsExactly(new RecordDriftCommand(host, desktop, "ORPHANED_USER_DISK",
                "a user disk of a desktop that was destroyed; kept by its pool's deletion"));
        assertThat(machines.of(host, desktop)).containsExactly(new ManagedMachine(desktop.toString(), false, false, false, true));
    }

    @Test
    void givenVmAndUserDiskOfADestroyedDesktop_whenReconciledUnderDelete_thenBothDriftsAreRecordedAndNothingIsLeft() {
        destroyedPersistentDesktop();
        machines.running(host, desktop);
        machines.userDisk(host, desktop, 1);

        deleting().reconcileAll();

        assertThat(drift(desktop)).containsExactly(new RecordDriftCommand(host, desktop, "ORPHANED_USER_DISK", DELETED),
                new RecordDriftCommand(host, desktop, "ORPHAN", "a VM or volume of a desktop that was destroyed"));
        assertThat(machines.of(host, desktop)).isEmpty();
    }

    @Test
    void givenUserDiskThatNoEventKnows_whenReconciledUnderEitherPolicy_thenItIsRecordedOnceAndKept() {
        UUID unknown = UUID.randomUUID();
        machines.userDisk(host, unknown, 1);

        keeping.reconcileAll();
        deleting().reconcileAll();
        keeping.reconcileAll();

        assertThat(drift(unknown)).containsExactly(new RecordDriftCommand(host, unknown, "ORPHANED_USER_DISK", UNKNOWN),
                new RecordDriftCommand(host, unknown, "ORPHANED_USER_DISK", UNKNOWN));
        assertThat(machines.of(host, unknown)).containsExactly(new ManagedMachine(unknown.toString(), false, false, false, true));
        harness.hypervisor().destroy(TestDriverMachines.target(host), unknown.toString(), UserDiskFate.DELETE);
    }

    @Test
    void givenLiveDesktopWithItsUserDisk_whenReconciled_thenNothingIsRecordedAndTheDiskStays() {
        harness.given(readyDesktop(desktop, pool, host, "alice"));
        machines.running(host, desktop);
        machines.userDisk(host, desktop, 1);

        deleting().reconcileAll();

        assertThat(drift(desktop)).isEmpty();
        assertThat(machines.of(host, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }
}
