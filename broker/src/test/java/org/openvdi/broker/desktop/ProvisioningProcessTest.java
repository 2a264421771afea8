package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.template;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;
import static org.openvdi.broker.testsupport.Histories.unreachableHost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.desktop.api.FailDesktopCommand;
import org.openvdi.broker.desktop.api.RecordDesktopDestroyedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.libvirt.RfbProbe;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.testsupport.TestDriverMachines;
import org.openvdi.templates.descriptor.Boot;
import org.openvdi.templates.descriptor.DiskBoot;
import org.openvdi.templates.descriptor.Display;
import org.openvdi.templates.descriptor.Guest;
import org.openvdi.templates.descriptor.Hardware;
import org.openvdi.templates.descriptor.Readiness;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.templates.descriptor.UserDisk;

/**
 * The provisioning process swept directly, on the real read models and libvirt's test driver through the
 * real adapter: a requested desktop is built and recorded ready, one past its deadline or failing past its
 * attempts is recorded failed, one resumed after a crash leaves nothing behind twice, and desktops to tear
 * down are destroyed on their host.
 *
 * <p>The process works on one worker here, which takes desktops in the order they were requested. Each
 * sweep is awaited with a marker: a desktop to tear down requested after all others, so that its recorded
 * teardown says the sweep's work is done. Markers' commands are left out of what the tests look at.
 */
class ProvisioningProcessTest {

    private static final UUID HOST = UUID.randomUUID();
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final int ATTEMPTS = 3;

    @TempDir
    static Path images;
    private static ImageSpec image;
    private static ProcessHarness harness;
    private static ProvisioningProcess process;
    private static TestDriverMachines machines;
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private final Set<UUID> markers = ConcurrentHashMap.newKeySet();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        image = RawImages.write(images.resolve("tiny.raw"));
        DisplayProbe rfb = (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
        harness = ProcessHarness.start(Map.of(DisplayProbe.class, rfb,
                        ProvisioningProperties.class, new ProvisioningProperties(1, Duration.ofSeconds(5), DEADLINE, ATTEMPTS, Duration.ofSeconds(5))),
                ProvisioningSteps.class, MachinePlans.class, ProvisioningProcess.class);
        process = harness.bean(ProvisioningProcess.class);
        machines = new TestDriverMachines(harness.hypervisor(), image);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecordVolumeClonedCommand.class, RecordDomainDefinedCommand.class,
                RecordDesktopStartedCommand.class, RecordDesktopReadyCommand.class, FailDesktopCommand.class,
                RecordDesktopDestroyedCommand.class, RecordDesktopLostCommand.class, RecordUserDiskCreatedCommand.class);
        harness.given(template(image))
                .given(testDriverHost(HOST, 10)).given(floatingPool(pool, 1, 5));
    }

    @Test
    void givenRequestedDesktop_whenSwept_thenItIsBuiltOnTheHostAndEachStepIsRecordedUpToReady() {
        harness.given(requested(desktop, HOST));

        sweep();

        assertThat(sent()).extracting(Object::getClass).containsExactly(RecordVolumeClonedCommand.class,
                RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class, RecordDesktopReadyCommand.class);
        assertThat(commands.sent(RecordDesktopReadyCommand.class)).singleElement()
                .satisfies(ready -> assertThat(ready.displayHost()).isEqualTo(Histories.DISPLAY_ADDRESS));
        assertThat(machines.of(HOST, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenDesktopRequestedLongerAgoThanTheDeadline_whenSwept_thenItIsRecordedFailedAndNothingIsBuilt() {
        harness.givenAt(Instant.now().minus(DEADLINE).minusSeconds(1), requested(desktop, HOST));

        sweep();

        assertThat(sent()).containsExactly(new FailDesktopCommand(desktop, "REQUESTED",
                "provisioning took longer than " + DEADLINE));
        assertThat(machines.of(HOST, desktop)).isEmpty();
    }

    @Test
    void givenCrashAfterDefiningTheDomainBeforeRecordingIt_whenSweptAgain_thenItResumesWithOneVolumeAndOneDomain() {
        harness.given(requested(desktop, HOST)).given(new DesktopVolumeClonedEvent(desktop, 1));
        machines.defined(HOST, desktop);

        sweep();

        assertThat(sent()).extracting(Object::getClass).containsExactly(RecordDomainDefinedCommand.class,
                RecordDesktopStartedCommand.class, RecordDesktopReadyCommand.class);
        assertThat(machines.of(HOST, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, true, true));
    }

    @Test
    void givenHostWhoseLibvirtCannotBeReached_whenSweptUpToTheAttempts_thenOnlyTheLastAttemptRecordsTheDesktopFailed() {
        UUID unreachable = UUID.randomUUID();
        harness.given(unreachableHost(unreachable)).given(requested(desktop, unreachable));

        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            sweep();
            assertThat(sent()).as("after attempt %d", attempt).isEmpty();
        }
        sweep();

        assertThat(sent()).singleElement().isInstanceOfSatisfying(FailDesktopCommand.class, failed -> {
            assertThat(failed.desktopId()).isEqualTo(desktop);
            assertThat(failed.step()).isEqualTo("REQUESTED");
            assertThat(failed.reason()).contains("connecting to libvirt failed").doesNotContain(Histories.UNREACHABLE);
        });
    }

    @Test
    void givenRecycledDesktopRunningOnTheHost_whenSwept_thenItsVmAndDiskAreDestroyedAndThatIsRecorded() {
        harness.given(readyDesktop(desktop, pool, HOST, null)).given(new DesktopRecycledEvent(desktop, "session ended"));
        machines.running(HOST, desktop);

        sweep();

        assertThat(sent()).containsExactly(new RecordDesktopDestroyedCommand(desktop));
        assertThat(machines.of(HOST, desktop)).isEmpty();
    }

    @Test
    void givenFailedDesktopOnAHostThatCannotBeReached_whenSweptPastTheAttempts_thenItsTeardownIsTriedAgainAndNeverFailsIt() {
        UUID unreachable = UUID.randomUUID();
        harness.given(unreachableHost(unreachable)).given(requested(desktop, unreachable))
                .given(new DesktopFailedEvent(desktop, "STARTED", "no memory"));

        for (int attempt = 1; attempt <= ATTEMPTS + 1; attempt++) {
            sweep();
        }

        assertThat(sent()).isEmpty();
    }

    @Test
    void givenDesktopOnAHostThatIsDown_whenSwept_thenItIsLeftAlone() {
        UUID down = UUID.randomUUID();
        harness.given(testDriverHost(down, 10)).given(new HostWentDownEvent(down, "did not answer"))
                .given(requested(desktop, down));

        sweep();

        assertThat(sent()).isEmpty();
        assertThat(machines.of(down, desktop)).isEmpty();
    }

    @Test
    void givenPersistentDesktopPoweringOnWhoseDiskIsGone_whenSwept_thenItIsRecordedLostAndNotBuiltAfresh() {
        UUID persistent = UUID.randomUUID();
        harness.given(pool(persistent, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 3, "alice"))
                .given(readyDesktop(desktop, persistent, HOST, "alice")).given(new DesktopPoweredOffEvent(desktop))
                .given(new DesktopPowerOnRequestedEvent(desktop));

        sweep();

        assertThat(sent()).containsExactly(new RecordDesktopLostCommand(desktop, "its disk is gone from the host"));
        assertThat(machines.of(HOST, desktop)).isEmpty();
    }

    @Test
    void givenSpareOfAPersistentPoolWhoseTemplateHasAUserDisk_whenSwept_thenItIsBuiltWithTheUserDiskItsUserWillKeep() {
        UUID template = UUID.randomUUID();
        UUID persistent = UUID.randomUUID();
        TemplateDescriptor withUserDisk = new TemplateDescriptor("with user disk", new Hardware(1, 256, null),
                new Boot(new DiskBoot(null, null), null), Display.DEFAULT,
                TemplateDescriptor.shortForm("tiny", 1, 256).network(), new Guest("Linux", false), Readiness.DISPLAY,
                new UserDisk(1));
        harness.given(new TemplateRegisteredEvent(template, "with user disk", 1, 256, "admin", withUserDisk),
                        new TemplateVersionPublishedEvent(template, 1, image.sourcePath(), image.sha256(), image.format(),
                                image.sizeBytes(), "admin"))
                .given(new PoolCreatedEvent(persistent, "persistent-" + persistent, template, 1, PoolType.PERSISTENT,
                        PowerPolicy.POWER_OFF_AT_LOGOFF, 1, 3, Set.of("alice"), Set.of(), "admin"))
                .given(new DesktopProvisioningRequestedEvent(desktop, persistent, HOST, template, 1, null));

        sweep();

        assertThat(sent()).extracting(Object::getClass).containsExactly(RecordVolumeClonedCommand.class,
                RecordUserDiskCreatedCommand.class, RecordDomainDefinedCommand.class, RecordDesktopStartedCommand.class,
                RecordDesktopReadyCommand.class);
        assertThat(machines.of(HOST, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, true, true, true));
    }

    private static Object[] requested(UUID desktopId, UUID hostId) {
        return new Object[] {new DesktopProvisioningRequestedEvent(desktopId, UUID.randomUUID(), hostId,
                Histories.TEMPLATE, 1, null)};
    }

    /** One sweep, returning once its work is done (see the class comment). */
    private void sweep() {
        UUID marker = UUID.randomUUID();
        markers.add(marker);
        harness.givenAt(Instant.now().plus(Duration.ofDays(1)), requested(marker, HOST)[0],
                new DesktopRecycledEvent(marker, "marks the end of a sweep"));
        process.sweep();
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(30))
                .until(() -> commands.sent(RecordDesktopDestroyedCommand.class).contains(new RecordDesktopDestroyedCommand(marker)));
        harness.given(new DesktopDestroyedEvent(marker));
    }

    /** What the process sent about the desktops under test. */
    private List<Object> sent() {
        return commands.all().stream()
                .filter(command -> !(command instanceof RecordDesktopDestroyedCommand destroyed && markers.contains(destroyed.desktopId())))
                .toList();
    }
}
