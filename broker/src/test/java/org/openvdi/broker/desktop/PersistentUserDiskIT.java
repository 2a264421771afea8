package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.UserDiskFiles;
import org.openvdi.broker.Virsh;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordGuestAgentAnsweredCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.RfbProbe;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.templates.descriptor.Readiness;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.TemplateDescriptorReader;
import org.openvdi.templates.xml.LibvirtNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent desktop of the shipped tiny template on qemu:///system (software emulation), through the real
 * provisioning steps. The tiny template declares the guest agent, guest-agent readiness and a user disk, and its init
 * appends a line to /boots on the user disk at every boot, read back through qemu-img and debugfs
 * ({@link UserDiskFiles}).
 * <ul>
 *   <li>It becomes ready only after its agent answered (the step recorded between the start and READY), gets its user
 *       disk on first provisioning, and keeps it across power-off and power-on: after two boots, both lines.</li>
 *   <li>Suspended (libvirt managed save) and powered on again through the steps a request uses, it comes back
 *       restored, not booted: libvirt says so, and /boots has exactly one line. Suspending twice saves once.</li>
 * </ul>
 * Uses a storage pool of its own and removes every VM and volume it made.
 */
class PersistentUserDiskIT {

    private static final Logger log = LoggerFactory.getLogger(PersistentUserDiskIT.class);
    private static final Duration DISPLAY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(120);

    private static final String POOL = "openvdi-it-disk-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HostTarget HOST = new HostTarget("qemu-disk-it", "qemu:///system", VirtType.QEMU, POOL, "127.0.0.1");
    private static final Path WORK = Path.of("target/it/" + POOL).toAbsolutePath();

    private static ProcessHarness harness;
    private static ProvisioningSteps steps;
    private static LibvirtHypervisor hypervisor;
    private static ImageSpec image;
    private static TemplateDescriptor tiny;
    private final UUID desktop = UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        Path file = AppProcess.tinyImage();
        image = new ImageSpec(file.toString(), sha256(file), "raw", Files.size(file));
        tiny = new TemplateDescriptorReader().read(Path.of("../desktop-templates/tiny/template.yaml"));
        assertThat(tiny.readiness()).isEqualTo(Readiness.GUEST_AGENT);
        assertThat(tiny.userDisk()).isNotNull();
        DisplayProbe rfb = (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
        harness = ProcessHarness.start(Map.of(DisplayProbe.class, rfb), ProvisioningSteps.class);
        steps = harness.bean(ProvisioningSteps.class);
        hypervisor = harness.hypervisor();
        Files.createDirectories(WORK);
    }

    @AfterAll
    static void removeWhatThisTestCreated() {
        if (harness != null) {
            harness.close();
            Virsh.removeDesktopsAndPool(POOL);
        }
    }

    @Test
    void givenPersistentDesktopOfTheTinyTemplate_whenProvisionedPoweredOffAndOn_thenReadyAfterItsAgentAnsweredAndItsUserDiskKeepsBothBoots()
            throws Exception {
        RecordedCommands commands = harness.reset().accept(RecordVolumeClonedCommand.class, RecordUserDiskCreatedCommand.class,
                RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class, RecordGuestAgentAnsweredCommand.class,
                RecordDesktopReadyCommand.class);
        long started = System.nanoTime();

        steps.run(plan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT, AGENT_TIMEOUT);

        log.info("desktop {} ready after {} ms: {}", desktop, (System.nanoTime() - started) / 1_000_000, commands.all());
        assertThat(commands.all()).extracting(Object::getClass).containsExactly(RecordVolumeClonedCommand.class,
                RecordUserDiskCreatedCommand.class, RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class,
                RecordGuestAgentAnsweredCommand.class, RecordDesktopReadyCommand.class);
        assertThat(commands.sent(RecordUserDiskCreatedCommand.class).get(0).sizeGiB()).isEqualTo(tiny.userDisk().sizeGiB());
        assertThat(commands.sent(RecordDesktopReadyCommand.class).get(0).displayPort()).isPositive();
        assertThat(hypervisor.guestAgentAnswers(HOST, desktop.toString(), Duration.ofSeconds(10))).isTrue();
        assertThat(Virsh.run("domblklist", "vdi-" + desktop).output()).contains("vdb", LibvirtNames.userDiskVolumeName(desktop.toString()));

        hypervisor.powerOff(HOST, desktop.toString());
        commands.reset();
        commands.accept(RecordGuestAgentAnsweredCommand.class, RecordDesktopReadyCommand.class);
        steps.run(plan(DesktopState.POWERED_OFF, true), DISPLAY_TIMEOUT, AGENT_TIMEOUT);
        assertThat(commands.all()).extracting(Object::getClass).containsExactly(RecordGuestAgentAnsweredCommand.class,
                RecordDesktopReadyCommand.class);
        hypervisor.powerOff(HOST, desktop.toString());

        List<String> boots = bootsOnTheUserDisk();
        assertThat(boots).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("boot "));

        // recomposition keeps it; destroying the desktop for good deletes it
        hypervisor.destroy(HOST, desktop.toString(), UserDiskFate.KEEP);
        assertThat(Virsh.run("vol-info", "--pool", POOL, LibvirtNames.userDiskVolumeName(desktop.toString())).exitCode()).isZero();
        hypervisor.destroy(HOST, desktop.toString(), UserDiskFate.DELETE);
        assertThat(Virsh.run("vol-info", "--pool", POOL, LibvirtNames.userDiskVolumeName(desktop.toString())).exitCode()).isNotZero();
    }

    @Test
    void givenRunningPersistentDesktop_whenSuspendedAndPoweredOnAgain_thenItIsRestoredWithoutBootingAgain() throws Exception {
        RecordedCommands commands = harness.reset().accept(RecordVolumeClonedCommand.class, RecordUserDiskCreatedCommand.class,
                RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class, RecordGuestAgentAnsweredCommand.class,
                RecordDesktopReadyCommand.class);
        steps.run(plan(DesktopState.REQUESTED, false), DISPLAY_TIMEOUT, AGENT_TIMEOUT);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        String domain = "vdi-" + desktop;

        long started = System.nanoTime();
        assertThat(hypervisor.suspend(HOST, desktop.toString())).isTrue();
        log.info("desktop {} suspended in {} ms", desktop, (System.nanoTime() - started) / 1_000_000);
        assertThat(Virsh.run("domstate", "--reason", domain).output()).contains("shut off", "saved");
        assertThat(Virsh.run("dominfo", domain).output()).containsPattern("Managed save:\\s+yes");
        // a retry (after a crash before the suspend was recorded) leaves the saved state as it is
        assertThat(hypervisor.suspend(HOST, desktop.toString())).isTrue();
        assertThat(Virsh.run("dominfo", domain).output()).containsPattern("Managed save:\\s+yes");

        commands.reset();
        commands.accept(RecordDesktopStartedCommand.class, RecordGuestAgentAnsweredCommand.class, RecordDesktopReadyCommand.class);
        started = System.nanoTime();
        steps.run(plan(DesktopState.DEFINED, true), DISPLAY_TIMEOUT, AGENT_TIMEOUT);
        log.info("desktop {} resumed and ready in {} ms: {}", desktop, (System.nanoTime() - started) / 1_000_000, commands.all());

        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        assertThat(Virsh.run("domstate", "--reason", domain).output()).contains("running", "restored");
        assertThat(Virsh.run("dominfo", domain).output()).containsPattern("Managed save:\\s+no");
        hypervisor.powerOff(HOST, desktop.toString());

        List<String> boots = bootsOnTheUserDisk();
        assertThat(boots).as("one boot: the power-on restored the saved state").hasSize(1);
    }

    private ProvisioningSteps.Plan plan(DesktopState state, boolean poweringOn) {
        return new ProvisioningSteps.Plan(desktop, state, poweringOn, HOST, image, "persistent " + desktop, tiny, true);
    }

    /** /boots of the ext2 file system on the user disk. */
    private List<String> bootsOnTheUserDisk() throws Exception {
        return UserDiskFiles.lines(POOL, desktop.toString(), "/boots", WORK);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
