package org.openvdi.broker.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.pool.api.PoolDeletedEvent;
import org.openvdi.broker.pool.api.PoolDrainStartedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.RecordPoolDeletedCommand;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The drain of a pool being deleted, driven directly on the real read models (shared embedded PostgreSQL, real
 * projections): idle desktops are recycled through the destroy path with the deletion's user-disk fate, waiting
 * sessions fail at once, open sessions end only at the deadline, and the pool is deleted once nothing is left.
 */
class PoolDrainProcessTest {

    private static ProcessHarness harness;
    private static PoolDrainProcess process;
    private final UUID pool = UUID.randomUUID();
    private final UUID host = UUID.randomUUID();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(PoolDrainProcess.class);
        process = harness.bean(PoolDrainProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(RecycleDesktopCommand.class, EndSessionCommand.class, FailSessionCommand.class,
                RecordPoolDeletedCommand.class);
        harness.given(testDriverHost(host, 10));
    }

    private PoolDrainStartedEvent draining(Duration untilDeadline, UserDiskFate userDisks) {
        return new PoolDrainStartedEvent(pool, "pool-" + pool, Instant.now().plus(untilDeadline), "Save your work",
                userDisks, "admin");
    }

    /** A session of {@code user} that holds {@code desktop}, a ready desktop of the pool. */
    private UUID inUse(UUID desktop, String user) {
        UUID session = UUID.randomUUID();
        harness.given(readyDesktop(desktop, pool, host, null))
                .given(new SessionRequestedEvent(session, pool, user), new DesktopAssignedEvent(desktop, session, user, false),
                        new DesktopAssignedToSessionEvent(session, desktop, user));
        return session;
    }

    @Test
    void givenDrainingPoolWithASpareAndOneBeingProvisioned_whenDrained_thenBothAreRecycledKeyedByTheirIds() {
        UUID spare = UUID.randomUUID();
        UUID coming = UUID.randomUUID();
        harness.given(floatingPool(pool, 2, 5)).given(readyDesktop(spare, pool, host, null))
                .given(new DesktopProvisioningRequestedEvent(coming, pool, host, Histories.TEMPLATE, 1, null))
                .given(draining(Duration.ofMinutes(15), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.sent(RecycleDesktopCommand.class)).containsExactlyInAnyOrder(
                new RecycleDesktopCommand(spare, PoolDrainProcess.REASON, UserDiskFate.KEEP),
                new RecycleDesktopCommand(coming, PoolDrainProcess.REASON, UserDiskFate.KEEP));
        assertThat(commands.sent(RecordPoolDeletedCommand.class)).isEmpty();
        assertThat(commands.actors()).containsOnly("system");
    }

    @Test
    void givenDrainingPoolWithASessionBeforeTheDeadline_whenDrained_thenTheSessionAndItsDesktopAreLeftAlone() {
        UUID desktop = UUID.randomUUID();
        harness.given(floatingPool(pool, 0, 5));
        inUse(desktop, "alice");
        harness.given(draining(Duration.ofMinutes(15), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenDrainingPoolWithASessionPastTheDeadline_whenDrained_thenTheSessionIsEndedAndThePoolNotYetDeleted() {
        UUID desktop = UUID.randomUUID();
        harness.given(floatingPool(pool, 0, 5));
        UUID session = inUse(desktop, "alice");
        harness.given(draining(Duration.ofSeconds(-1), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.sent(EndSessionCommand.class)).containsExactly(
                new EndSessionCommand(session, PoolDrainProcess.REASON, "system"));
        assertThat(commands.sent(RecycleDesktopCommand.class)).isEmpty();
        assertThat(commands.sent(RecordPoolDeletedCommand.class)).isEmpty();
    }

    @Test
    void givenDrainingPoolWithAWaitingSession_whenDrained_thenItFailsAtOnceAsDraining() {
        UUID session = UUID.randomUUID();
        harness.given(floatingPool(pool, 0, 5)).given(new SessionRequestedEvent(session, pool, "bob"))
                .given(draining(Duration.ofHours(1), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.sent(FailSessionCommand.class)).singleElement().satisfies(fail -> {
            assertThat(fail.sessionId()).isEqualTo(session);
            assertThat(fail.code()).isEqualTo(ErrorCode.POOL_DRAINING);
        });
    }

    @Test
    void givenPersistentPoolDeletedWithItsUsersDisks_whenDrained_thenTheOwnedIdleDesktopIsRecycledDeletingItsDisk() {
        UUID owned = UUID.randomUUID();
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 5, "alice"))
                .given(readyDesktop(owned, pool, host, "alice")).given(draining(Duration.ofMinutes(5), UserDiskFate.DELETE));

        process.sweep();

        assertThat(commands.sent(RecycleDesktopCommand.class)).containsExactly(
                new RecycleDesktopCommand(owned, PoolDrainProcess.REASON, UserDiskFate.DELETE));
    }

    @Test
    void givenDrainingPoolWhoseDesktopIsBeingTornDown_whenDrained_thenItWaitsForTheHost() {
        UUID desktop = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 5)).given(readyDesktop(desktop, pool, host, null))
                .given(new DesktopRecycledEvent(desktop, "pool deleted", false))
                .given(draining(Duration.ofMinutes(5), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenDrainingPoolWhoseDesktopsAreAllDestroyed_whenDrained_thenThePoolIsDeleted() {
        UUID desktop = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 5)).given(readyDesktop(desktop, pool, host, null))
                .given(new DesktopRecycledEvent(desktop, "pool deleted", false), new DesktopDestroyedEvent(desktop))
                .given(draining(Duration.ofMinutes(5), UserDiskFate.KEEP));

        process.sweep();

        assertThat(commands.sent(RecordPoolDeletedCommand.class)).containsExactly(new RecordPoolDeletedCommand(pool));
    }

    @Test
    void givenActiveAndDeletedPools_whenDrained_thenNeitherIsTouched() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 5)).given(readyDesktop(spare, pool, host, null));
        UUID deleted = UUID.randomUUID();
        harness.given(floatingPool(deleted, 0, 5)).given(new PoolDrainStartedEvent(deleted, "gone", Instant.now(), null,
                UserDiskFate.KEEP, "admin"), new PoolDeletedEvent(deleted, "gone"));

        process.sweep();

        assertThat(commands.all()).isEmpty();
    }
}
