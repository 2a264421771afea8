package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.AssignDesktopCommand;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopPowerOnCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.SpareCapacityPolicy;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.ConnectionTokenGrant;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The allocator driven directly, on the real read models in the shared embedded PostgreSQL: it
 * gives a waiting session a ready spare, leaves it to capacity while none is ready, and fails it at
 * once when nothing can ever serve it.
 */
class SessionAllocatorTest {

    private static final UUID HOST = UUID.randomUUID();
    private static final String ALICE = "alice";

    private final UUID pool = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private static ProcessHarness harness;
    private static SessionAllocator allocator;
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(SessionAllocator.class);
        allocator = harness.bean(SessionAllocator.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(AssignDesktopCommand.class, AssignDesktopToSessionCommand.class,
                FailSessionCommand.class, ReleaseDesktopCommand.class, RequestDesktopPowerOnCommand.class);
        harness.given(testDriverHost(HOST, 5));
    }

    @Test
    void givenReadySpare_whenSessionIsAllocated_thenTheSpareIsAssignedToIt() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.all()).containsExactly(new AssignDesktopCommand(spare, session, ALICE, false),
                new AssignDesktopToSessionCommand(session, spare));
        assertThat(commands.actors()).containsOnly("system");
    }

    @Test
    void givenReadySpare_whenANewSessionIsAllocatedWithItsFirstToken_thenTheTokenGoesWithTheAssignment() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE));
        ConnectionTokenGrant token = new ConnectionTokenGrant(UUID.randomUUID(), ConnectionToken.hashOf("t"), Instant.now());

        boolean assigned = allocator.allocateNew(session, ALICE, Instant.now(),
                harness.bean(PoolQueries.class).find(pool).orElseThrow(), token);

        assertThat(assigned).isTrue();
        assertThat(commands.all()).containsExactly(new AssignDesktopCommand(spare, session, ALICE, false),
                new AssignDesktopToSessionCommand(session, spare, token));
    }

    @Test
    void givenNoReadySpare_whenANewSessionIsAllocatedWithItsFirstToken_thenItWaitsAndNoTokenIsRecorded() {
        harness.given(floatingPool(pool, 0, 3)).given(new SessionRequestedEvent(session, pool, ALICE));

        boolean assigned = allocator.allocateNew(session, ALICE, Instant.now(),
                harness.bean(PoolQueries.class).find(pool).orElseThrow(),
                new ConnectionTokenGrant(UUID.randomUUID(), ConnectionToken.hashOf("t"), Instant.now()));

        assertThat(assigned).isFalse();
        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenTwoReadySpares_whenAllocated_thenTheOldestIsAssigned() {
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        harness.given(floatingPool(pool, 2, 3)).given(readyDesktop(older, pool, HOST, null))
                .given(readyDesktop(newer, pool, HOST, null)).given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(AssignDesktopCommand.class)).extracting(AssignDesktopCommand::desktopId).containsExactly(older);
    }

    @Test
    void givenNoReadySpare_whenAllocated_thenSessionWaitsAndCapacityProvisionsOneForIt() {
        harness.given(floatingPool(pool, 0, 3)).given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.all()).isEmpty();
        assertThat(harness.bean(SessionQueries.class).find(session).orElseThrow().state().name()).isEqualTo("REQUESTED");
        assertThat(harness.bean(SpareCapacityPolicy.class).needs(harness.bean(PoolQueries.class).find(pool).orElseThrow()))
                .hasSize(1);
    }

    @Test
    void givenSpareWhoseHostIsDown_whenAllocated_thenItIsNotAssigned() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(spare, pool, HOST, null))
                .given(new HostWentDownEvent(HOST, "unreachable"), new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(AssignDesktopCommand.class)).isEmpty();
    }

    @Test
    void givenSpareReadyBeforeTheBrokerStartedOnAHostNotYetInventoried_whenAllocated_thenItIsNotTrustedYet() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).givenAt(Instant.now().minusSeconds(60), readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(AssignDesktopCommand.class)).isEmpty();
    }

    /** The owner's desktop is being recomposed by a rollout: the session waits for it, gets no other, and does not fail. */
    @Test
    void givenOwnersDesktopBeingRecomposed_whenAllocated_thenTheSessionWaitsForItWithoutTakingASpareOrFailing() {
        UUID own = UUID.randomUUID();
        UUID spare = UUID.randomUUID();
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 1, 2, ALICE))
                .given(readyDesktop(own, pool, HOST, ALICE))
                .given(new org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent(own, 1, 2, UUID.randomUUID()))
                .given(readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.all()).isEmpty();
        assertThat(harness.bean(SessionQueries.class).find(session).orElseThrow().state().name()).isEqualTo("REQUESTED");
    }

    @Test
    void givenFullPool_whenAllocated_thenSessionFailsAtOnceWithPoolFull() {
        UUID taken = UUID.randomUUID();
        harness.given(floatingPool(pool, 0, 1)).given(readyDesktop(taken, pool, HOST, null))
                .given(new DesktopAssignedEvent(taken, UUID.randomUUID(), "bob", false))
                .given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(FailSessionCommand.class)).singleElement().satisfies(fail -> {
            assertThat(fail.sessionId()).isEqualTo(session);
            assertThat(fail.code()).isEqualTo(ErrorCode.POOL_FULL);
        });
    }

    /** The sweep walks the waiting sessions oldest first: the desktop coming is the first requester's. */
    @Test
    void givenFullPoolWithOneDesktopComingAndThreeWaiting_whenAllocatedOldestFirst_thenTheLaterTwoFailAndTheFirstWaits() {
        UUID taken = UUID.randomUUID();
        UUID coming = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        Instant start = Instant.now().minusSeconds(30);
        harness.given(floatingPool(pool, 0, 2)).given(readyDesktop(taken, pool, HOST, null))
                .given(new DesktopAssignedEvent(taken, UUID.randomUUID(), "carol", false))
                .given(new org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent(coming, pool, HOST,
                        org.openvdi.broker.testsupport.Histories.TEMPLATE, 1, null))
                .givenAt(start, new SessionRequestedEvent(session, pool, "bob"))
                .givenAt(start.plusSeconds(1), new SessionRequestedEvent(second, pool, ALICE))
                .givenAt(start.plusSeconds(2), new SessionRequestedEvent(third, pool, "dave"));

        allocator.allocate(session);
        allocator.allocate(second);
        allocator.allocate(third);

        assertThat(commands.sent(FailSessionCommand.class)).extracting(FailSessionCommand::sessionId, FailSessionCommand::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(second, ErrorCode.POOL_FULL),
                        org.assertj.core.groups.Tuple.tuple(third, ErrorCode.POOL_FULL));
    }

    @Test
    void givenNoHostWithRoom_whenAllocated_thenSessionFailsWithNoHostAvailable() {
        harness.given(floatingPool(pool, 0, 3)).given(new HostWentDownEvent(HOST, "unreachable"),
                new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(FailSessionCommand.class)).extracting(FailSessionCommand::code)
                .containsExactly(ErrorCode.NO_HOST_AVAILABLE);
    }

    @Test
    void givenSessionWaitingLongerThanTheAllocationTimeout_whenAllocated_thenItFails() {
        harness.given(floatingPool(pool, 0, 3)).givenAt(Instant.now().minus(Duration.ofMinutes(11)),
                new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.sent(FailSessionCommand.class)).singleElement().satisfies(fail -> {
            assertThat(fail.code()).isEqualTo(ErrorCode.NO_HOST_AVAILABLE);
            assertThat(fail.reason()).contains("No desktop became ready within");
        });
    }

    /**
     * A storm: every request allocates its own session on its own thread. The allocations overlap (none waits for
     * another's commands), and each takes a spare of its own rather than all racing for the oldest.
     */
    @Test
    void givenTwentyReadySparesAndTwentySessions_whenAllocatedAtOnce_thenTheyRunTogetherAndEachGetsItsOwnSpare() {
        int n = 20;
        harness.given(floatingPool(pool, n, n));
        List<UUID> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            harness.given(readyDesktop(UUID.randomUUID(), pool, HOST, null));
            UUID id = UUID.randomUUID();
            sessions.add(id);
            harness.given(new SessionRequestedEvent(id, pool, "user-" + i));
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch allArrived = new CountDownLatch(n);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        commands.answer(AssignDesktopCommand.class, assign -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            allArrived.countDown();
            try {
                allArrived.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return null;
        });
        Iterator<UUID> next = sessions.iterator();

        Concurrently.run(n, () -> {
            UUID mine;
            synchronized (next) {
                mine = next.next();
            }
            allocator.allocate(mine);
            return mine;
        });

        assertThat(mostAtOnce.get()).as("assignments in flight at once").isEqualTo(n);
        List<AssignDesktopToSessionCommand> assigned = commands.sent(AssignDesktopToSessionCommand.class);
        assertThat(assigned).extracting(AssignDesktopToSessionCommand::sessionId).containsExactlyInAnyOrderElementsOf(sessions);
        assertThat(assigned).extracting(AssignDesktopToSessionCommand::desktopId).doesNotHaveDuplicates();
        assertThat(commands.sent(AssignDesktopCommand.class)).hasSize(n);
    }

    @Test
    void givenSpareTakenMeanwhile_whenAllocated_thenTheNextSpareIsAssigned() {
        UUID taken = UUID.randomUUID();
        UUID free = UUID.randomUUID();
        harness.given(floatingPool(pool, 2, 3)).given(readyDesktop(taken, pool, HOST, null))
                .given(readyDesktop(free, pool, HOST, null)).given(new SessionRequestedEvent(session, pool, ALICE));
        commands.answer(AssignDesktopCommand.class, assign -> {
            if (assign.desktopId().equals(taken)) {
                throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "already assigned");
            }
            return null;
        });

        allocator.allocate(session);

        assertThat(commands.sent(AssignDesktopToSessionCommand.class)).containsExactly(new AssignDesktopToSessionCommand(session, free));
    }

    /** Both halves of an assignment are one transaction: the session's refusal rolls the desktop's half back too. */
    @Test
    void givenSessionEndedWhileItsDesktopWasAssigned_whenAllocated_thenTheDesktopsHalfIsRolledBackAndNothingIsReleased() {
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE));
        // the desktop's half is projected in the allocation's transaction, as the real aggregate's event would be
        commands.answer(AssignDesktopCommand.class, assign -> {
            harness.given(new DesktopAssignedEvent(assign.desktopId(), assign.sessionId(), assign.user(), false));
            return null;
        });
        commands.answer(AssignDesktopToSessionCommand.class, assign -> {
            throw new BrokerException(ErrorCode.SESSION_ENDED, "session ended");
        });

        allocator.allocate(session);

        assertThat(commands.sent(AssignDesktopCommand.class)).hasSize(1);
        assertThat(commands.sent(ReleaseDesktopCommand.class)).isEmpty();
        DesktopView desktop = harness.bean(DesktopQueries.class).find(spare).orElseThrow();
        assertThat(desktop.state()).isEqualTo(DesktopState.READY);
        assertThat(desktop.sessionId()).isNull();
    }

    /**
     * A broker died (or the database went away) after the desktop recorded its assignment and before the session did:
     * the next sweep, on any broker, finishes that assignment instead of taking another spare, which would leave the
     * first desktop assigned to nobody and the pool short of a desktop for ever (seen in MultiBrokerIT's SIGKILL).
     */
    @Test
    void givenAnAllocationThatStoppedAfterTheDesktopsHalf_whenTheSweepRuns_thenTheSessionGetsThatDesktopAndNoOther() {
        UUID halfAssigned = UUID.randomUUID();
        UUID spare = UUID.randomUUID();
        harness.given(floatingPool(pool, 2, 3)).given(readyDesktop(halfAssigned, pool, HOST, null))
                .given(readyDesktop(spare, pool, HOST, null))
                .givenAt(Instant.now().minusSeconds(5), new SessionRequestedEvent(session, pool, ALICE))
                .given(new DesktopAssignedEvent(halfAssigned, session, ALICE, false));

        allocator.allocateWaiting();

        assertThat(commands.all()).containsExactly(new AssignDesktopToSessionCommand(session, halfAssigned));
    }

    /** The request that made a session allocates it at once, on whichever broker took it: the sweep leaves it alone. */
    @Test
    void givenASessionJustRequested_whenTheSweepRuns_thenItIsLeftToItsRequestUntilTheGraceIsOver() {
        UUID spare = UUID.randomUUID();
        UUID older = UUID.randomUUID();
        harness.given(floatingPool(pool, 2, 3)).given(readyDesktop(spare, pool, HOST, null))
                .given(new SessionRequestedEvent(session, pool, ALICE))
                .givenAt(Instant.now().minusSeconds(5), new SessionRequestedEvent(older, pool, "bob"));

        allocator.allocateWaiting();

        assertThat(commands.sent(AssignDesktopCommand.class)).extracting(AssignDesktopCommand::sessionId)
                .containsExactly(older);
    }

    @Test
    void givenAHalfAssignedDesktopTheSessionRefuses_whenTheSweepRuns_thenTheDesktopIsReleased() {
        UUID halfAssigned = UUID.randomUUID();
        harness.given(floatingPool(pool, 1, 3)).given(readyDesktop(halfAssigned, pool, HOST, null))
                .givenAt(Instant.now().minusSeconds(5), new SessionRequestedEvent(session, pool, ALICE))
                .given(new DesktopAssignedEvent(halfAssigned, session, ALICE, false));
        commands.answer(AssignDesktopToSessionCommand.class, assign -> {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "session ended");
        });

        allocator.allocateWaiting();

        assertThat(commands.all()).containsExactly(new AssignDesktopToSessionCommand(session, halfAssigned),
                new ReleaseDesktopCommand(halfAssigned, session));
    }

    @Test
    void givenPersistentPoolAndTheUsersPoweredOffDesktop_whenAllocated_thenItIsPoweredOnNotReplaced() {
        UUID own = UUID.randomUUID();
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 3, ALICE))
                .given(readyDesktop(own, pool, HOST, ALICE)).given(new DesktopPoweredOffEvent(own))
                .given(new SessionRequestedEvent(session, pool, ALICE));

        allocator.allocate(session);

        assertThat(commands.all()).containsExactly(new RequestDesktopPowerOnCommand(own));
    }
}
