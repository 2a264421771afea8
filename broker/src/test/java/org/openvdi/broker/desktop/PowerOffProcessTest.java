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
import org.openvdi.broker.desktop.api.DesktopPowerOnFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.TestDriverMachines;

/**
 * The power-off process driven directly with the events it handles, on the real read models and
 * libvirt's test driver through the real adapter: a persistent desktop recorded powered off has its VM
 * stopped on its host, keeping its definition and disk, however often the event is handled; one asked
 * for again meanwhile keeps running; one whose VM is gone already is left as it is.
 */
class PowerOffProcessTest {

    private static final String ALICE = "alice";

    @TempDir
    static Path images;
    private static ProcessHarness harness;
    private static PowerOffProcess process;
    private static TestDriverMachines machines;
    private final UUID host = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private final ManagedMachine stopped = new ManagedMachine(desktop.toString(), true, false, true);
    private final ManagedMachine running = new ManagedMachine(desktop.toString(), true, true, true);

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(PowerOffProcess.class);
        process = harness.bean(PowerOffProcess.class);
        machines = new TestDriverMachines(harness.hypervisor(), RawImages.write(images.resolve("tiny.raw")));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        harness.reset();
        harness.given(testDriverHost(host, 5))
                .given(pool(pool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 3, ALICE))
                .given(readyDesktop(desktop, pool, host, null))
                .given(new DesktopAssignedEvent(desktop, UUID.randomUUID(), ALICE, true))
                .given(new DesktopReleasedEvent(desktop, null, ALICE));
        machines.running(host, desktop);
    }

    @Test
    void givenDesktopRecordedPoweredOff_whenHandled_thenItsVmIsStoppedAndKeepsItsDefinitionAndDisk() {
        DesktopPoweredOffEvent off = new DesktopPoweredOffEvent(desktop);
        harness.given(off);

        process.on(off);

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
    }

    @Test
    void givenDesktopPoweredOffAlready_whenTheEventIsHandledAgain_thenItStaysOffWithoutError() {
        DesktopPoweredOffEvent off = new DesktopPoweredOffEvent(desktop);
        harness.given(off);
        process.on(off);

        process.on(off);

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
    }

    @Test
    void givenDesktopAskedForAgainBeforeThePowerOffIsHandled_whenHandled_thenItKeepsRunning() {
        DesktopPoweredOffEvent off = new DesktopPoweredOffEvent(desktop);
        harness.given(off).given(new DesktopPowerOnRequestedEvent(desktop));

        process.on(off);

        assertThat(machines.of(host, desktop)).containsExactly(running);
    }

    /** A rollout recomposes a powered-off desktop: its late power-off must not stop the VM being rebuilt. */
    @Test
    void givenDesktopRecomposedBeforeThePowerOffIsHandled_whenHandled_thenItsVmIsLeftToTheRecomposition() {
        DesktopPoweredOffEvent off = new DesktopPoweredOffEvent(desktop);
        harness.given(off).given(new org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent(desktop, 1, 2,
                UUID.randomUUID()));

        process.on(off);

        assertThat(machines.of(host, desktop)).containsExactly(running);
    }

    @Test
    void givenPowerOnThatFailedWithItsVmHalfUp_whenHandled_thenTheVmIsStopped() {
        harness.given(new DesktopPoweredOffEvent(desktop)).given(new DesktopPowerOnRequestedEvent(desktop));
        DesktopPowerOnFailedEvent failed = new DesktopPowerOnFailedEvent(desktop, "display", "did not answer");
        harness.given(failed);

        process.on(failed);

        assertThat(machines.of(host, desktop)).containsExactly(stopped);
    }

    @Test
    void givenDesktopRecordedPoweredOffWhoseVmIsGoneFromTheHost_whenHandled_thenNothingFails() {
        harness.hypervisor().destroy(TestDriverMachines.target(host), desktop.toString());
        DesktopPoweredOffEvent off = new DesktopPoweredOffEvent(desktop);
        harness.given(off);

        process.on(off);

        assertThat(machines.of(host, desktop)).isEmpty();
    }
}
