package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.templates.descriptor.Boot;
import org.openvdi.templates.descriptor.DiskBoot;
import org.openvdi.templates.descriptor.Display;
import org.openvdi.templates.descriptor.Guest;
import org.openvdi.templates.descriptor.Hardware;
import org.openvdi.templates.descriptor.Network;
import org.openvdi.templates.descriptor.Readiness;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.UserDisk;
import org.openvdi.templates.xml.LibvirtNames;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordGuestAgentAnsweredCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.RfbProbe;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The provisioning steps driven directly on libvirt's test driver through the real adapter: each step
 * is recorded once, and a run resumed after a crash between steps neither repeats a recorded step nor
 * leaves a second volume or domain behind.
 */
class ProvisioningStepsTest {

    private static final HostTarget HOST = new HostTarget("process-test-host", Histories.TEST_DRIVER, VirtType.AUTO,
            Histories.STORAGE_POOL, Histories.DISPLAY_ADDRESS);
    private static final Duration DISPLAY_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path images;
    private static ImageSpec image;
    private static ProcessHarness harness;
    private static ProvisioningSteps steps;
    private static LibvirtHypervisor hypervisor;
    private final UUID desktop = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        image = RawImages.write(images.resolve("tiny.raw"));
        DisplayProbe rfb = (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
        harness = ProcessHarness.start(Map.of(DisplayProbe.class, rfb), ProvisioningSteps.class);
        steps = harness.bean(ProvisioningSteps.class);
        hypervisor = harness.hypervisor();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void acceptRecords() {
        commands = harness.reset().accept(RecordVolumeClonedCommand.class, RecordDomainDefinedCommand.class,
                RecordDesktopStartedCommand.class, RecordDesktopReadyCommand.class, RecordUserDiskCreatedCommand.class,
                RecordGuestAgentAnsweredCommand.class);
    }

    @Test
    void givenRequestedDesktop_whenStepsRun_thenEachStepIsRecordedAndTheVmRunsReadyAtOnceOnTheTestDriver() {
        steps.run(plan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);

        assertThat(commands.all()).hasSize(4);
        assertThat(commands.all().get(0)).isInstanceOf(RecordVolumeClonedCommand.class);
        assertThat(commands.all().get(1)).isInstanceOf(RecordDomainDefinedCommand.class);
        assertThat(commands.all().get(2)).isInstanceOf(RecordDesktopStartedCommand.class);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).singleElement().satisfies(ready -> {
            assertThat(ready.desktopId()).isEqualTo(desktop);
            assertThat(ready.displayHost()).isEqualTo(Histories.DISPLAY_ADDRESS);
            assertThat(ready.displayPort()).isZero();
        });
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenCrashAfterDefiningBeforeRecordingIt_whenStepsRunAgain_thenOnlyTheUnrecordedStepsAreRecordedAndNothingIsOrphaned() {
        // the first run cloned (recorded) and defined (not recorded) before the broker died
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, desktop.toString(), image);
        hypervisor.defineDomain(HOST, new MachineSpec(desktop.toString(), "crashed", 1, 256,
                "secret12", image));

        steps.run(plan(DesktopState.CLONED, false), DISPLAY_TIMEOUT);

        assertThat(commands.all()).hasSize(3);
        assertThat(commands.sent(RecordVolumeClonedCommand.class)).isEmpty();
        assertThat(commands.sent(RecordDomainDefinedCommand.class)).hasSize(1);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenRecordingTheStartFailed_whenTheWholeRunIsRetried_thenItCompletesWithOneVolumeAndOneDomain() {
        commands.answer(RecordDesktopStartedCommand.class, started -> {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "the store was unreachable");
        });
        assertThatThrownBy(() -> steps.run(plan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT))
                .isInstanceOf(BrokerException.class);
        commands.accept(RecordDesktopStartedCommand.class);

        steps.run(plan(DesktopState.DEFINED, false), DISPLAY_TIMEOUT);

        assertThat(commands.sent(RecordVolumeClonedCommand.class)).hasSize(1);
        assertThat(commands.sent(RecordDomainDefinedCommand.class)).hasSize(1);
        assertThat(commands.sent(RecordDesktopStartedCommand.class)).hasSize(2);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenPoweredOffDesktopWithItsDisk_whenPoweredOn_thenItIsStartedOnItsOwnDiskWithoutCloningOrRecordingSteps() {
        steps.run(plan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);
        hypervisor.powerOff(HOST, desktop.toString());
        commands.reset();
        commands.accept(RecordDesktopReadyCommand.class);

        steps.run(plan(DesktopState.POWERED_OFF, true), DISPLAY_TIMEOUT);

        assertThat(commands.all()).singleElement().isInstanceOf(RecordDesktopReadyCommand.class);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenImageWhoseChecksumDoesNotMatch_whenStepsRun_thenNothingIsRecordedAndNoMachineIsLeft() {
        ImageSpec wrong = new ImageSpec(image.sourcePath(), "0".repeat(64), image.format(), image.sizeBytes());

        assertThatThrownBy(() -> steps.run(plan(DesktopState.REQUESTED, false, wrong), DISPLAY_TIMEOUT))
                .isInstanceOf(HypervisorException.class);

        assertThat(commands.all()).isEmpty();
        assertThat(machines()).isEmpty();
    }

    private ProvisioningSteps.Plan plan(DesktopState state, boolean poweringOn) {
        return plan(state, poweringOn, image);
    }

    private ProvisioningSteps.Plan plan(DesktopState state, boolean poweringOn, ImageSpec spec) {
        return new ProvisioningSteps.Plan(desktop, state, poweringOn, HOST, spec, "desktop " + desktop,
                TemplateDescriptor.shortForm("tiny", 1, 256), false);
    }

    @Test
    void givenATemplateDescriptor_whenTheMachineIsPlanned_thenItCarriesNetworkDerivedMacAgentAndUserDiskOfPersistentDesktops() {
        TemplateDescriptor template = new TemplateDescriptor("t", new Hardware(2, 512, null), new Boot(new DiskBoot(null, null), null),
                Display.DEFAULT, new Network(null, "br0"), new Guest("Debian 12", true), Readiness.GUEST_AGENT, new UserDisk(4));

        MachineSpec floating = new ProvisioningSteps.Plan(desktop, DesktopState.REQUESTED, false, HOST, image, "d", template, false)
                .machine("pw");
        MachineSpec persistent = new ProvisioningSteps.Plan(desktop, DesktopState.REQUESTED, false, HOST, image, "d", template, true)
                .machine("pw");

        assertThat(floating.network()).isEqualTo(new Network(null, "br0"));
        assertThat(floating.macAddress()).isEqualTo(LibvirtNames.macAddress(desktop.toString())).startsWith("52:54:00:");
        assertThat(floating.guestAgent()).isTrue();
        assertThat(floating.vcpus()).isEqualTo(2);
        assertThat(floating.userDiskGiB()).isNull();
        assertThat(persistent.userDiskGiB()).isEqualTo(4);
        assertThat(plan(DesktopState.REQUESTED, false).machine("pw").network().network()).isEqualTo("openvdi");
    }

    private List<ManagedMachine> machines() {
        return hypervisor.inventory(HOST).stream().filter(m -> m.desktopId().equals(desktop.toString())).toList();
    }

    // --- user disks of persistent desktops ---

    /** A template like the tiny one: a 1 GiB user disk, ready when the guest agent answers. */
    private static final TemplateDescriptor WITH_USER_DISK = new TemplateDescriptor("tiny", new Hardware(1, 256, null),
            new Boot(new DiskBoot(null, null), null), Display.DEFAULT, TemplateDescriptor.shortForm("tiny", 1, 256).network(),
            new Guest("Linux (busybox)", true), Readiness.GUEST_AGENT, new UserDisk(1));

    private ProvisioningSteps.Plan persistentPlan(DesktopState state, boolean poweringOn) {
        return new ProvisioningSteps.Plan(desktop, state, poweringOn, HOST, image, "desktop " + desktop, WITH_USER_DISK, true);
    }

    @Test
    void givenPersistentDesktopWhoseTemplateHasAUserDisk_whenStepsRun_thenTheUserDiskIsCreatedAndRecordedWithItsSizeBeforeTheDomain() {
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);

        assertThat(commands.all()).extracting(Object::getClass).containsExactly(RecordVolumeClonedCommand.class,
                RecordUserDiskCreatedCommand.class, RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class,
                RecordDesktopReadyCommand.class);
        assertThat(commands.sent(RecordUserDiskCreatedCommand.class)).singleElement().satisfies(created -> {
            assertThat(created.desktopId()).isEqualTo(desktop);
            assertThat(created.sizeGiB()).isEqualTo(1);
        });
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }

    @Test
    void givenFloatingDesktopOfTheSameTemplate_whenStepsRun_thenItGetsNoUserDisk() {
        steps.run(new ProvisioningSteps.Plan(desktop, DesktopState.REQUESTED, false, HOST, image, "d", WITH_USER_DISK, false),
                DISPLAY_TIMEOUT);

        assertThat(commands.sent(RecordUserDiskCreatedCommand.class)).isEmpty();
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, false));
    }

    @Test
    void givenGuestAgentReadinessOnTheTestDriver_whenStepsRun_thenTheAgentStepIsSkippedAsTheDisplayWaitIs() {
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);

        assertThat(commands.sent(RecordGuestAgentAnsweredCommand.class)).isEmpty();
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        assertThat(hypervisor.guestAgentAnswers(HOST, desktop.toString(), Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void givenCrashAfterCreatingTheUserDiskBeforeRecordingIt_whenStepsRunAgain_thenTheDiskIsKeptAndNotCreatedTwice() {
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, desktop.toString(), image);
        assertThat(hypervisor.ensureUserDisk(HOST, desktop.toString(), 1)).isTrue();

        steps.run(persistentPlan(DesktopState.CLONED, false), DISPLAY_TIMEOUT);

        assertThat(commands.sent(RecordUserDiskCreatedCommand.class)).isEmpty();
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }

    @Test
    void givenPersistentDesktopWithItsUserDisk_whenPoweredOffAndOnAgain_thenTheUserDiskIsKeptAndNotRecordedAgain() {
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);
        hypervisor.powerOff(HOST, desktop.toString());
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, false, true, true));
        commands.reset();
        commands.accept(RecordDesktopReadyCommand.class);

        steps.run(persistentPlan(DesktopState.POWERED_OFF, true), DISPLAY_TIMEOUT);

        assertThat(commands.all()).singleElement().isInstanceOf(RecordDesktopReadyCommand.class);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }

    @Test
    void givenPersistentDesktop_whenRecomposedOntoANewImage_thenItsUserDiskIsKeptAndAttachedAgainWithoutANewOne() {
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);
        commands.reset();
        acceptRecords();

        // recomposition: domain and system disk go, the user disk stays, then the same id is provisioned again
        hypervisor.destroy(HOST, desktop.toString(), UserDiskFate.KEEP);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), false, false, false, true));
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);

        assertThat(commands.sent(RecordUserDiskCreatedCommand.class)).isEmpty();
        assertThat(commands.sent(RecordVolumeClonedCommand.class)).hasSize(1);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        assertThat(machines()).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }

    @Test
    void givenPersistentDesktop_whenDestroyedForGood_thenItsUserDiskGoesWithIt() {
        steps.run(persistentPlan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT);

        hypervisor.destroy(HOST, desktop.toString(), UserDiskFate.DELETE);
        hypervisor.destroy(HOST, desktop.toString(), UserDiskFate.DELETE);   // again: nothing left to do

        assertThat(machines()).isEmpty();
    }
}
