package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.template;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.desktop.api.DesktopMoveCopiedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopMoveStartedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.FailDesktopMoveCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveCopiedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMoveStartedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopMovedCommand;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;
import org.openvdi.broker.testsupport.TestDriverMachines;

/**
 * The move process stepped directly, on the real read models and two hosts on libvirt's test driver (which share its
 * one storage pool, so the volumes stay where they are: the copy through libvirt's streams is exercised on
 * qemu:///system by {@code DesktopMoveIT}). Each recorded phase leads to the next command, the domain is defined on the
 * new host before the move is recorded, and a move to a host that is gone is given up with the reason.
 */
class DesktopMoveProcessTest {

    private static final UUID FROM = UUID.randomUUID();
    private static final UUID TO = UUID.randomUUID();

    @TempDir
    static Path images;
    private static ImageSpec image;
    private static ProcessHarness harness;
    private static DesktopMoveProcess process;
    private static TestDriverMachines machines;
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        image = RawImages.write(images.resolve("tiny.raw"));
        DisplayProbe never = (endpoint, timeout) -> false;
        harness = ProcessHarness.start(Map.of(DisplayProbe.class, never, ProvisioningProperties.class,
                        new ProvisioningProperties(1, Duration.ofSeconds(5), Duration.ofMinutes(10), 2, Duration.ofSeconds(5))),
                ProvisioningSteps.class, MachinePlans.class, DesktopMoveProcess.class);
        process = harness.bean(DesktopMoveProcess.class);
        machines = new TestDriverMachines(harness.hypervisor(), image);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecordDesktopMoveStartedCommand.class, RecordDesktopMoveCopiedCommand.class,
                RecordDesktopMovedCommand.class, FailDesktopMoveCommand.class);
        harness.given(template(image)).given(testDriverHost(FROM, 10)).given(testDriverHost(TO, 10))
                .given(pool(pool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 5, "alice"))
                .given(readyDesktop(desktop, pool, FROM, "alice"))
                .given(new DesktopPoweredOffEvent(desktop, "session ended"));
        machines.defined(FROM, desktop);
    }

    @Test
    void givenMoveRequested_whenStepped_thenTheMoveIsRecordedStarted() {
        harness.given(new DesktopMoveRequestedEvent(desktop, FROM, TO, "host drained"));

        process.step(desktop);

        assertThat(commands.all()).containsExactly(new RecordDesktopMoveStartedCommand(desktop));
    }

    @Test
    void givenMoveStartedBetweenHostsSharingTheirStorage_whenStepped_thenTheCopyIsRecordedWithNothingToCopy() {
        harness.given(new DesktopMoveRequestedEvent(desktop, FROM, TO, "host drained"), new DesktopMoveStartedEvent(desktop, TO));

        process.step(desktop);

        assertThat(commands.sent(RecordDesktopMoveCopiedCommand.class)).singleElement()
                .satisfies(copied -> assertThat(copied.volumes()).isEmpty());
    }

    @Test
    void givenCopied_whenStepped_thenTheDomainIsOnTheNewHostAndTheMoveIsRecorded() {
        harness.given(new DesktopMoveRequestedEvent(desktop, FROM, TO, "host drained"), new DesktopMoveStartedEvent(desktop, TO),
                new DesktopMoveCopiedEvent(desktop, TO, List.of(), 1));

        process.step(desktop);
        process.step(desktop);

        assertThat(commands.sent(RecordDesktopMovedCommand.class)).hasSize(2)
                .allSatisfy(moved -> assertThat(moved.desktopId()).isEqualTo(desktop));
        assertThat(machines.of(TO, desktop)).containsExactly(new ManagedMachine(desktop.toString(), true, false, true));
        assertThat(commands.sent(FailDesktopMoveCommand.class)).isEmpty();
    }

    @Test
    void givenMoveToAHostThatIsGone_whenStepped_thenTheMoveFailsWithTheReason() {
        UUID gone = UUID.randomUUID();
        harness.given(new DesktopMoveRequestedEvent(desktop, FROM, gone, "host drained"));

        process.step(desktop);

        assertThat(commands.all()).containsExactly(new FailDesktopMoveCommand(desktop, "the new host is gone"));
    }

    @Test
    void givenNewHostUnreachable_whenSteppedPastTheAttempts_thenTheMoveIsNotGivenUpUntilItCanBeCleanedUpThere() {
        UUID unreachable = UUID.randomUUID();
        harness.given(new HostRegisteredEvent(unreachable, "far", Histories.UNREACHABLE, VirtType.QEMU, 5,
                Histories.STORAGE_POOL, Histories.DISPLAY_ADDRESS, "admin"));
        harness.given(new DesktopMoveRequestedEvent(desktop, FROM, unreachable, "host drained"),
                new DesktopMoveStartedEvent(desktop, unreachable));

        process.step(desktop);
        process.step(desktop);

        // what may have reached the new host cannot be removed while it does not answer: the move waits for that
        assertThat(commands.all()).isEmpty();
        assertThat(machines.of(FROM, desktop)).singleElement().satisfies(m -> assertThat(m.volumeExists()).isTrue());
    }
}
