package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.RecordPoolSpareTargetCommand;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The capacity process driven directly on the real read models: it requests the desktops a pool
 * lacks for its spare target, never beyond the pool's maximum size, on the host with the most room.
 */
class SpareCapacityProcessTest {

    private static ProcessHarness harness;
    private static SpareCapacityProcess process;
    private final UUID pool = UUID.randomUUID();
    private final UUID host = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(Map.of(CapacitySettings.class, CapacitySettings.defaults()), SpareCapacityProcess.class);
        process = harness.bean(SpareCapacityProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RequestDesktopProvisioningCommand.class, RecordPoolSpareTargetCommand.class);
        harness.given(testDriverHost(host, 10));
    }

    @Test
    void givenPoolBelowItsSpareTarget_whenCapacityIsKept_thenTheMissingSparesAreRequestedOnTheHost() {
        harness.given(floatingPool(pool, 3, 5)).given(readyDesktop(UUID.randomUUID(), pool, host, null));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).hasSize(2).allSatisfy(request -> {
            assertThat(request.poolId()).isEqualTo(pool);
            assertThat(request.hostId()).isEqualTo(host);
            assertThat(request.templateId()).isEqualTo(Histories.TEMPLATE);
            assertThat(request.templateVersion()).isEqualTo(1);
            assertThat(request.owner()).isNull();
        });
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).extracting(RequestDesktopProvisioningCommand::desktopId)
                .doesNotHaveDuplicates();
    }

    @Test
    void givenSpareTargetAboveTheMaximumSize_whenCapacityIsKept_thenNoMoreThanTheMaximumIsRequested() {
        UUID inUse = UUID.randomUUID();
        harness.given(floatingPool(pool, 5, 3)).given(readyDesktop(inUse, pool, host, null))
                .given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), "bob", false));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).hasSize(2);
    }

    @Test
    void givenPoolAtItsSpareTarget_whenCapacityIsKept_thenNothingIsRequested() {
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(UUID.randomUUID(), pool, host, null));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).isEmpty();
    }

    @Test
    void givenNoHostUp_whenCapacityIsKept_thenNothingIsRequested() {
        harness.given(floatingPool(pool, 2, 3)).given(new HostWentDownEvent(host, "unreachable"));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).isEmpty();
    }

    @Test
    void givenTwoHosts_whenCapacityIsKept_thenDesktopsGoToTheHostWithMostRoom() {
        UUID roomy = UUID.randomUUID();
        harness.given(testDriverHost(roomy, 50)).given(floatingPool(pool, 1, 3));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).extracting(RequestDesktopProvisioningCommand::hostId)
                .containsExactly(roomy);
    }

    @Test
    void givenPersistentPoolAndAWaitingUserWithoutDesktop_whenCapacityIsKept_thenADesktopIsRequestedInTheirName() {
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 3, "alice"))
                .given(new SessionRequestedEvent(UUID.randomUUID(), pool, "alice"));

        process.keepSpares();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).extracting(RequestDesktopProvisioningCommand::owner)
                .containsExactly("alice");
    }
}
