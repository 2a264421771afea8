package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.openvdi.broker.Virsh;
import org.openvdi.broker.hypervisor.AccelerationVerdict;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.templates.xml.DomainType;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.ProbeDomainDefinition;
import org.openvdi.templates.xml.ProbeDomainXmlRenderer;

/**
 * The acceleration probe against this machine's libvirtd: the software-emulated probe guest runs its
 * firmware to the end, a host set to auto gets the verdict that the kvm guest's real speed calls for
 * (qemu on a nested-virtualization host whose KVM crawls), within bounded time, and no probe domain
 * is left behind, even when an earlier one was.
 */
class AccelerationProbeIT {

    private static final String URI = "qemu:///system";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final String hostId = UUID.randomUUID().toString();
    private final HostTarget host = new HostTarget(hostId, URI, VirtType.AUTO, "unused", "127.0.0.1");
    private final AccelerationProbe probe = new AccelerationProbe(new ProbeDomainXmlRenderer(), TIMEOUT);
    private static LibvirtConnections connections;
    private static Connect connect;

    @BeforeAll
    static void connect() {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at " + URI);
        connections = new LibvirtConnections();
        connect = connections.connect(URI);
    }

    @AfterAll
    static void disconnect() {
        if (connections != null) {
            connections.close();
        }
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        Virsh.run("destroy", LibvirtNames.probeDomainName(hostId));
    }

    @Test
    void givenSoftwareEmulation_whenProbeGuestRuns_thenItsFirmwareRunsToTheEndAndTheGuestIsGone() throws Exception {
        AccelerationProbe.FirmwareRun run = probe.run(connect, host, DomainType.QEMU, TIMEOUT);

        assertThat(run.completed()).as(run.failure().orElse("")).isTrue();
        assertThat(run.millis()).isLessThan(TIMEOUT.toMillis());
        assertThat(probeDomainExists()).isFalse();
    }

    @Test
    void givenThisMachine_whenAutoHostIsProbed_thenTheVerdictFollowsTheKvmGuestsRealSpeedWithinBoundedTime() throws Exception {
        AccelerationProbe.FirmwareRun emulated = probe.run(connect, host, DomainType.QEMU, TIMEOUT);
        AccelerationProbe.FirmwareRun kvm = probe.run(connect, host, DomainType.KVM, TIMEOUT);
        boolean kvmRunsGuests = kvm.completed() && kvm.millis() <= probe.allowanceAfter(emulated.millis()).toMillis();

        long started = System.nanoTime();
        try (LibvirtHypervisor hypervisor = new LibvirtHypervisor(new LibvirtSettings(LibvirtSettings.DEFAULT_POOL_ROOT, TIMEOUT))) {
            AccelerationVerdict verdict = hypervisor.probeAcceleration(host);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(verdict.effectiveType())
                    .as("emulated firmware %s, kvm firmware %s -> %s in %d ms", emulated, kvm, verdict, tookMillis)
                    .isEqualTo(kvmRunsGuests ? EffectiveVirtType.KVM : EffectiveVirtType.QEMU);
            // two probe guests, each at most the timeout, plus starting and destroying them
            assertThat(tookMillis).isLessThan(2 * TIMEOUT.toMillis() + 15_000);
            assertThat(verdict.millis()).isLessThanOrEqualTo(tookMillis);
        }
        assertThat(probeDomainExists()).isFalse();
    }

    @Test
    void givenProbeDomainLeftBehindByACrash_whenProbedAgain_thenTheLeftoverIsDestroyedFirst() throws Exception {
        int startPaused = 1;
        connect.domainCreateXML(new ProbeDomainXmlRenderer().render(new ProbeDomainDefinition(hostId, DomainType.QEMU)),
                startPaused);
        assertThat(probeDomainExists()).isTrue();

        AccelerationProbe.FirmwareRun run = probe.run(connect, host, DomainType.QEMU, TIMEOUT);

        assertThat(run.completed()).as(run.failure().orElse("")).isTrue();
        assertThat(probeDomainExists()).isFalse();
    }

    private boolean probeDomainExists() {
        return Virsh.run("list", "--all", "--name").lines().contains(LibvirtNames.probeDomainName(hostId));
    }
}
