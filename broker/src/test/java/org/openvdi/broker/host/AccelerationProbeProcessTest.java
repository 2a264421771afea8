package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;
import static org.openvdi.broker.testsupport.Histories.unprobedHost;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.HostAccelerationProbeRequestedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.RecordAccelerationProbeCommand;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The acceleration probe driven directly, as its schedule calls it, on the real read models, the real
 * cluster lock and libvirt's test driver through the real adapter: an auto host whose probe is due is
 * probed and the verdict the adapter reports there is recorded; a host not due, down, unreachable or
 * being probed by another broker is not; a host whose verdict could not be recorded waits before the next try.
 */
class AccelerationProbeProcessTest {

    private static ProcessHarness harness;
    private static AccelerationProbeProcess process;
    private final UUID host = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(AccelerationProbeProcess.class);
        process = harness.bean(AccelerationProbeProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void acceptVerdicts() {
        commands = harness.reset().accept(RecordAccelerationProbeCommand.class);
    }

    @Test
    void givenAutoHostOnTheTestDriverNotProbedYet_whenDueHostsAreProbed_thenTheTestDriversVerdictIsRecordedBySystem() {
        harness.given(unprobedHost(host, Histories.TEST_DRIVER));

        process.probeDueHosts();

        assertThat(commands.sent(RecordAccelerationProbeCommand.class)).singleElement().satisfies(verdict -> {
            assertThat(verdict.hostId()).isEqualTo(host);
            assertThat(verdict.effectiveType()).isEqualTo(EffectiveVirtType.TEST);
            assertThat(verdict.reason()).isEqualTo("libvirt's test driver runs no guests");
        });
        assertThat(commands.actors()).containsExactly("system");
    }

    @Test
    void givenHostProbedAlready_whenDueHostsAreProbed_thenNothingIsSent() {
        harness.given(testDriverHost(host, 5));

        process.probeDueHosts();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenProbedHostAnAdminAskedToProbeAgain_whenDueHostsAreProbed_thenItIsProbedAgain() {
        harness.given(testDriverHost(host, 5)).given(new HostAccelerationProbeRequestedEvent(host, "admin"));

        process.probeDueHosts();

        assertThat(commands.sent(RecordAccelerationProbeCommand.class)).extracting(RecordAccelerationProbeCommand::hostId)
                .containsExactly(host);
    }

    @Test
    void givenAutoHostThatIsDown_whenDueHostsAreProbed_thenItWaitsUntilItIsUp() {
        harness.given(unprobedHost(host, Histories.TEST_DRIVER)).given(new HostWentDownEvent(host, "did not answer"));

        process.probeDueHosts();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenUnreachableAutoHostRegisteredBeforeAReachableOne_whenDueHostsAreProbed_thenTheReachableOneIsStillProbed() {
        UUID unreachable = UUID.randomUUID();
        harness.given(unprobedHost(unreachable, Histories.UNREACHABLE)).given(unprobedHost(host, Histories.TEST_DRIVER));

        assertThatCode(process::probeDueHosts).doesNotThrowAnyException();

        assertThat(commands.sent(RecordAccelerationProbeCommand.class)).extracting(RecordAccelerationProbeCommand::hostId)
                .containsExactly(host);
    }

    @Test
    void givenVerdictThatCouldNotBeRecorded_whenDueHostsAreProbedAgainAtOnce_thenTheHostWaitsForItsRetryPause() {
        harness.given(unprobedHost(host, Histories.TEST_DRIVER));
        commands.reset();
        commands.answer(RecordAccelerationProbeCommand.class, verdict -> {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "the store was unreachable");
        });

        assertThatCode(process::probeDueHosts).doesNotThrowAnyException();
        process.probeDueHosts();

        assertThat(commands.sent(RecordAccelerationProbeCommand.class)).hasSize(1);
    }

    @Test
    void givenAnotherBrokerProbing_whenDueHostsAreProbed_thenThisOneLeavesTheHostToIt() throws InterruptedException {
        harness.given(unprobedHost(host, Histories.TEST_DRIVER));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread otherBroker = new Thread(() -> harness.bean(ClusterLock.class).runWhenFree("acceleration-probe", () -> {
            held.countDown();
            awaitQuietly(release);
        }));
        otherBroker.start();
        try {
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

            process.probeDueHosts();
        } finally {
            release.countDown();
            otherBroker.join(10_000);
        }

        assertThat(commands.all()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
