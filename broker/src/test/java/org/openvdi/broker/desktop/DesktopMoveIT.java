package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.UserDiskFiles;
import org.openvdi.broker.Virsh;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDomainDefinedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveCopiedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveFinishedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveStartedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopStartedEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.desktop.api.FailDesktopMoveCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveCopiedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveStartedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMovedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordGuestAgentAnsweredCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.hypervisor.VolumeCopy;
import org.openvdi.broker.libvirt.RfbProbe;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.TemplateDescriptorReader;
import org.openvdi.templates.xml.LibvirtNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent desktop of the tiny template moves between two storage pools on qemu:///system (two hosts registered on
 * the same libvirt, each with a pool of its own), through the real move process and libvirt's storage streams. Its
 * init appends a line to /boots on the user disk at every boot: after the move the line is still there, read from the
 * volume in the new pool; the old pool holds nothing of it any more; and powered on again in its new place (its system
 * disk's overlay now backed by the new pool's copy of the image) it boots and appends a second line.
 * Uses storage pools of its own and removes every VM and volume it made.
 */
class DesktopMoveIT {

    private static final Logger log = LoggerFactory.getLogger(DesktopMoveIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String POOL_A = "openvdi-it-move-a-" + SUFFIX;
    private static final String POOL_B = "openvdi-it-move-b-" + SUFFIX;
    private static final UUID HOST_A = UUID.randomUUID();
    private static final UUID HOST_B = UUID.randomUUID();
    private static final UUID TEMPLATE = UUID.randomUUID();
    private static final UUID DESKTOP_POOL = UUID.randomUUID();
    private static final Path WORK = Path.of("target/it/move-" + SUFFIX).toAbsolutePath();

    private static ProcessHarness harness;
    private static ProvisioningSteps steps;
    private static MachinePlans plans;
    private static DesktopMoveProcess process;
    private static DesktopQueries desktops;
    private final UUID desktop = UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        DisplayProbe rfb = (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
        harness = ProcessHarness.start(Map.of(DisplayProbe.class, rfb, ProvisioningProperties.class,
                        new ProvisioningProperties(1, TIMEOUT, Duration.ofMinutes(10), 3, TIMEOUT)),
                ProvisioningSteps.class, MachinePlans.class, DesktopMoveProcess.class);
        steps = harness.bean(ProvisioningSteps.class);
        plans = harness.bean(MachinePlans.class);
        process = harness.bean(DesktopMoveProcess.class);
        desktops = harness.bean(DesktopQueries.class);
        Files.createDirectories(WORK);
    }

    @AfterAll
    static void removeWhatThisTestCreated() {
        if (harness != null) {
            harness.close();
            Virsh.removeDesktopsAndPool(POOL_B);
            Virsh.removeDesktopsAndPool(POOL_A);
        }
    }

    @Test
    void givenPoweredOffPersistentDesktopWithUserData_whenMovedToAnotherStoragePool_thenItsDataIsThereAndItBootsThere()
            throws Exception {
        Path image = AppProcess.tinyImage();
        TemplateDescriptor tiny = new TemplateDescriptorReader().read(Path.of("../desktop-templates/tiny/template.yaml"));
        RecordedCommands commands = harness.reset().accept(RecordVolumeClonedCommand.class, RecordUserDiskCreatedCommand.class,
                RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class, RecordGuestAgentAnsweredCommand.class,
                RecordDesktopReadyCommand.class, RecordDesktopMoveStartedCommand.class, RecordDesktopMoveCopiedCommand.class,
                RecordDesktopMovedCommand.class, FailDesktopMoveCommand.class);
        harness.given(new TemplateRegisteredEvent(TEMPLATE, "tiny", 1, 256, "admin", tiny),
                new TemplateVersionPublishedEvent(TEMPLATE, 1, image.toString(), sha256(image), "raw", Files.size(image), "admin"),
                new HostRegisteredEvent(HOST_A, "move-a-" + SUFFIX, "qemu:///system", VirtType.QEMU, 5, POOL_A, "127.0.0.1", "admin"),
                new HostRegisteredEvent(HOST_B, "move-b-" + SUFFIX, "qemu:///system", VirtType.QEMU, 5, POOL_B, "127.0.0.1", "admin"),
                new PoolCreatedEvent(DESKTOP_POOL, "move-" + SUFFIX, TEMPLATE, 1, PoolType.PERSISTENT,
                        PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 5, java.util.Set.of("alice"), java.util.Set.of(), "admin"),
                new DesktopProvisioningRequestedEvent(desktop, DESKTOP_POOL, HOST_A, TEMPLATE, 1, "alice"));
        long started = System.nanoTime();

        // built and booted once on host A: the tiny init writes its first line to /boots on the user disk
        steps.run(plans.of(view(), harness.bean(org.openvdi.broker.host.HostQueries.class).find(HOST_A).orElseThrow().target(),
                false), TIMEOUT, TIMEOUT);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        harness.hypervisor().powerOff(harness.bean(org.openvdi.broker.host.HostQueries.class).find(HOST_A).orElseThrow().target(),
                desktop.toString());
        List<String> before = UserDiskFiles.lines(POOL_A, desktop.toString(), "/boots", WORK);
        assertThat(before).hasSize(1);
        log.info("desktop {} built and booted on pool {} in {} ms", desktop, POOL_A, millis(started));

        harness.given(new DesktopVolumeClonedEvent(desktop, 1), new DesktopDomainDefinedEvent(desktop, 1),
                new DesktopStartedEvent(desktop, 1), new DesktopBecameReadyEvent(desktop, "127.0.0.1", 5900, 1),
                new DesktopPoweredOffEvent(desktop, "session ended"),
                new DesktopMoveRequestedEvent(desktop, HOST_A, HOST_B, "host drained"));
        long moving = System.nanoTime();

        process.step(desktop);
        assertThat(commands.sent(RecordDesktopMoveStartedCommand.class)).hasSize(1);
        harness.given(new DesktopMoveStartedEvent(desktop, HOST_B));
        process.step(desktop);
        RecordDesktopMoveCopiedCommand copied = commands.sent(RecordDesktopMoveCopiedCommand.class).get(0);
        assertThat(copied.volumes()).extracting(VolumeCopy::volume).containsExactly(
                LibvirtNames.cloneVolumeName(desktop.toString()), LibvirtNames.userDiskVolumeName(desktop.toString()));
        assertThat(copied.volumes()).allSatisfy(copy -> {
            assertThat(copy.verified()).as(copy.toString()).isTrue();
            assertThat(copy.targetSha256()).hasSize(64);
        });
        // the old volumes stay until the new domain is defined and checked
        assertThat(Virsh.run("vol-info", "--pool", POOL_A, LibvirtNames.userDiskVolumeName(desktop.toString())).exitCode()).isZero();
        harness.given(new DesktopMoveCopiedEvent(desktop, HOST_B, copied.volumes(), copied.millis()));
        process.step(desktop);
        assertThat(commands.sent(RecordDesktopMovedCommand.class)).hasSize(1);
        assertThat(commands.sent(FailDesktopMoveCommand.class)).isEmpty();
        harness.given(new DesktopMoveFinishedEvent(desktop, HOST_A, HOST_B, 1));
        log.info("desktop {} moved from pool {} to pool {} in {} ms", desktop, POOL_A, POOL_B, millis(moving));

        assertThat(Virsh.run("vol-info", "--pool", POOL_A, LibvirtNames.cloneVolumeName(desktop.toString())).exitCode()).isNotZero();
        assertThat(Virsh.run("vol-info", "--pool", POOL_A, LibvirtNames.userDiskVolumeName(desktop.toString())).exitCode()).isNotZero();
        assertThat(Virsh.run("domblklist", "vdi-" + desktop).output()).contains("/" + POOL_B + "/").doesNotContain("/" + POOL_A + "/");
        Virsh.run("pool-refresh", POOL_B);
        assertThat(Virsh.backingImage(POOL_B, desktop.toString())).contains("/" + POOL_B + "/");
        assertThat(UserDiskFiles.lines(POOL_B, desktop.toString(), "/boots", WORK)).isEqualTo(before);

        // powered on in its new place, it boots from the moved overlay on the new pool's image and keeps writing
        commands.reset();
        commands.accept(RecordDesktopStartedCommand.class, RecordGuestAgentAnsweredCommand.class, RecordDesktopReadyCommand.class,
                RecordDomainDefinedCommand.class);
        var hostB = harness.bean(org.openvdi.broker.host.HostQueries.class).find(HOST_B).orElseThrow().target();
        steps.run(plans.of(view(), hostB, true), TIMEOUT, TIMEOUT);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).hasSize(1);
        harness.hypervisor().powerOff(hostB, desktop.toString());
        List<String> after = UserDiskFiles.lines(POOL_B, desktop.toString(), "/boots", WORK);
        assertThat(after).hasSize(2).startsWith(before.get(0));
        log.info("desktop {}: whole test {} ms", desktop, millis(started));
    }

    private DesktopView view() {
        return desktops.find(desktop).orElseThrow();
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }
}
