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
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.RfbProbe;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.TemplateDescriptorReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Suspend and resume on qemu:///system (software emulation) with the shipped tiny template: a persistent desktop
 * provisioned through the real steps is suspended (libvirt managed save) and powered on again through the same
 * steps a request uses. It comes back restored, not booted: libvirt says so, and the tiny init, which appends a line
 * to /boots on its user disk at every boot, wrote exactly one line, read back through qemu-img and debugfs
 * ({@link UserDiskFiles}). Suspending twice saves once. Uses a storage pool of its own and removes every VM and
 * volume it made.
 */
class SuspendOnQemuIT {

    private static final Logger log = LoggerFactory.getLogger(SuspendOnQemuIT.class);
    private static final Duration DISPLAY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(120);

    private static final String POOL = "openvdi-it-suspend-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HostTarget HOST = new HostTarget("qemu-suspend-it", "qemu:///system", VirtType.QEMU, POOL, "127.0.0.1");
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

        List<String> boots = UserDiskFiles.lines(POOL, desktop.toString(), "/boots", WORK);
        assertThat(boots).as("one boot: the power-on restored the saved state").hasSize(1);
    }

    private ProvisioningSteps.Plan plan(DesktopState state, boolean poweringOn) {
        return new ProvisioningSteps.Plan(desktop, state, poweringOn, HOST, image, "persistent " + desktop, tiny, true);
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
