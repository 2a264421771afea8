package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.TEMPLATE;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.RecomposeDesktopCommand;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand;
import org.openvdi.broker.pool.api.ClosePoolRolloutCommand;
import org.openvdi.broker.pool.api.PoolRolloutOpenedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.rollout.api.*;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RawImages;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The rollout process driven directly on the real read models (shared embedded PostgreSQL, the real projections)
 * with libvirt's test driver as the hosts: each test gives the events so far and checks the commands one sweep
 * sends. The rollout's own events are given as its aggregate would have applied them.
 */
class RolloutProcessTest {

    private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
    private static final RolloutStrategy WAIT = new RolloutStrategy(1, Budget.count(1), 1, LogoffPolicy.WAIT, null, null,
            Duration.ofMinutes(15), Duration.ofMinutes(10), 1);
    private static final RolloutStrategy FORCE = new RolloutStrategy(1, Budget.count(1), 1, LogoffPolicy.FORCE_AFTER,
            Duration.ofMinutes(30), "Please save your work", Duration.ofMinutes(15), Duration.ofMinutes(10), 1);

    private static ProcessHarness harness;
    private static RolloutProcess process;
    private static final MovableClock clock = new MovableClock();

    private final UUID host = UUID.randomUUID();
    private final UUID poolId = UUID.randomUUID();
    private final UUID rollout = UUID.randomUUID();
    private final UUID spare1 = UUID.randomUUID();
    private final UUID spare2 = UUID.randomUUID();
    private RecordedCommands commands;

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        private volatile Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static org.openvdi.broker.hypervisor.ImageSpec image;

    @BeforeAll
    static void start() throws java.io.IOException {
        image = RawImages.write(java.nio.file.Files.createTempDirectory("rollout-process").resolve("tiny.raw"));
        harness = ProcessHarness.start(Map.of(Clock.class, clock), RolloutProcess.class);
        process = harness.bean(RolloutProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        clock.now = T0;
        commands = harness.reset()
                .answer(StartDesktopUpdateCommand.class, c -> {
                    harness.givenAt(clock.now, new RolloutDesktopUpdateStartedEvent(c.rolloutId(), poolId, c.desktopId(),
                            c.replacementId(), c.stage(), c.method(), 2));
                    return true;
                })
                .accept(BeginRolloutCommand.class, RequestDesktopProvisioningCommand.class, RecycleDesktopCommand.class,
                        RecordDesktopUpdatedCommand.class, RecordDesktopUpdateFailedCommand.class, PauseRolloutCommand.class,
                        AbandonDesktopUpdateCommand.class, AwaitLogoffCommand.class, IssueLogoffNoticeCommand.class,
                        ForceLogoffCommand.class, EndSessionCommand.class, CompleteRolloutCommand.class,
                        ChangePoolTemplateVersionCommand.class, ClosePoolRolloutCommand.class, RecomposeDesktopCommand.class);
        harness.givenAt(T0, testDriverHost(host, 10)).givenAt(T0, Histories.template(image))
                .givenAt(T0, new TemplateVersionPublishedEvent(TEMPLATE, 2, image.sourcePath(), image.sha256(),
                        image.format(), image.sizeBytes(), "admin"));
    }

    private void floatingPoolWithTwoSpares() {
        harness.givenAt(T0, floatingPool(poolId, 2, 5)).givenAt(T0, readyDesktop(spare1, poolId, host, null))
                .givenAt(T0.plusMillis(1), readyDesktop(spare2, poolId, host, null));
    }

    private void started(RolloutStrategy strategy, Instant startAt) {
        harness.givenAt(T0, new PoolRolloutOpenedEvent(poolId, rollout, 1, 2, null, "admin"),
                new RolloutStartedEvent(rollout, poolId, TEMPLATE, 1, 2, strategy, startAt, null, "admin"));
    }

    private void running(RolloutStrategy strategy) {
        started(strategy, T0);
        harness.givenAt(T0, new RolloutBegunEvent(rollout, poolId, 2, 1));
    }

    private void canaryPassed(RolloutStrategy strategy) {
        running(strategy);
        harness.givenAt(T0, new RolloutCanaryPassedEvent(rollout, poolId, 2, 1));
    }

    private void sweep() {
        process.sweep();
    }

    // --- scheduling ---

    @Test
    void givenRolloutScheduledLater_whenSwept_thenNothingHappensUntilItsStartTime() {
        floatingPoolWithTwoSpares();
        started(WAIT, T0.plus(Duration.ofHours(2)));

        sweep();
        assertThat(commands.all()).isEmpty();

        clock.now = T0.plus(Duration.ofHours(2));
        sweep();
        assertThat(commands.all()).containsExactly(new BeginRolloutCommand(rollout, 2, 1));
    }

    // --- canary ---

    @Test
    void givenRunningRollout_whenSwept_thenOnlyTheCanaryMovesBesideItsSpareOnTheNewVersion() {
        floatingPoolWithTwoSpares();
        running(WAIT);

        sweep();

        assertThat(commands.sent(StartDesktopUpdateCommand.class)).singleElement().satisfies(c -> {
            assertThat(c.desktopId()).isEqualTo(spare1);
            assertThat(c.stage()).isEqualTo(RolloutStage.CANARY);
            assertThat(c.method()).isEqualTo(UpdateMethod.SURGE);
        });
        UUID replacement = commands.sent(StartDesktopUpdateCommand.class).get(0).replacementId();
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).containsExactly(
                new RequestDesktopProvisioningCommand(replacement, poolId, host, TEMPLATE, 2, null));
        assertThat(commands.sent(RecycleDesktopCommand.class)).isEmpty();
        assertThat(commands.sent(ChangePoolTemplateVersionCommand.class)).as("new desktops wait for the canary").isEmpty();
    }

    @Test
    void givenCanaryReplacementReady_whenSwept_thenTheCanaryIsUpdatedAndItsOldDesktopRecycled() {
        floatingPoolWithTwoSpares();
        running(WAIT);
        UUID replacement = UUID.randomUUID();
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, replacement, RolloutStage.CANARY,
                UpdateMethod.SURGE, 2)).givenAt(T0, newVersionReady(replacement));

        sweep();

        assertThat(commands.sent(RecordDesktopUpdatedCommand.class)).containsExactly(new RecordDesktopUpdatedCommand(rollout, spare1));
        assertThat(commands.sent(RecycleDesktopCommand.class)).extracting(RecycleDesktopCommand::desktopId).containsExactly(spare1);
        assertThat(commands.sent(StartDesktopUpdateCommand.class)).as("the canary has not passed yet").isEmpty();
    }

    @Test
    void givenCanaryReplacementFailed_whenSwept_thenTheFailureIsReportedWithItsReason() {
        floatingPoolWithTwoSpares();
        running(WAIT);
        UUID replacement = UUID.randomUUID();
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, replacement, RolloutStage.CANARY,
                        UpdateMethod.SURGE, 2))
                .givenAt(T0, new DesktopProvisioningRequestedEvent(replacement, poolId, host, TEMPLATE, 2, null),
                        new DesktopFailedEvent(replacement, "STARTED", "the display did not answer"));

        sweep();

        assertThat(commands.sent(RecordDesktopUpdateFailedCommand.class))
                .containsExactly(new RecordDesktopUpdateFailedCommand(rollout, spare1, "STARTED: the display did not answer"));
        assertThat(commands.sent(RecycleDesktopCommand.class)).as("the old spare keeps serving").isEmpty();
    }

    // --- batches ---

    @Test
    void givenCanaryPassed_whenSwept_thenThePoolProvisionsTheNewVersionAndTheNextSpareMovesWithinTheBudgets() {
        floatingPoolWithTwoSpares();
        canaryPassed(WAIT);
        UUID canaryNew = UUID.randomUUID();
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, canaryNew, RolloutStage.CANARY,
                        UpdateMethod.SURGE, 2), new RolloutDesktopUpdatedEvent(rollout, poolId, spare1, canaryNew, RolloutStage.CANARY, 2))
                .givenAt(T0, newVersionReady(canaryNew)).givenAt(T0, new DesktopRecycledEvent(spare1, "replaced"));

        sweep();

        assertThat(commands.sent(ChangePoolTemplateVersionCommand.class))
                .containsExactly(new ChangePoolTemplateVersionCommand(poolId, rollout, 2));
        assertThat(commands.sent(StartDesktopUpdateCommand.class)).singleElement().satisfies(c -> {
            assertThat(c.desktopId()).isEqualTo(spare2);
            assertThat(c.stage()).isEqualTo(RolloutStage.SPARE);
        });
    }

    @Test
    void givenNoSurgeRoom_whenSwept_thenSparesMoveInPlaceNoMoreThanMaxUnavailableAtOnce() {
        UUID spare3 = UUID.randomUUID();
        harness.givenAt(T0, floatingPool(poolId, 3, 3)).givenAt(T0, readyDesktop(spare1, poolId, host, null))
                .givenAt(T0.plusMillis(1), readyDesktop(spare2, poolId, host, null))
                .givenAt(T0.plusMillis(2), readyDesktop(spare3, poolId, host, null));
        canaryPassed(new RolloutStrategy(1, Budget.count(2), 1, LogoffPolicy.WAIT, null, null, Duration.ofMinutes(15),
                Duration.ofMinutes(10), 1));

        sweep();

        assertThat(commands.sent(StartDesktopUpdateCommand.class)).extracting(StartDesktopUpdateCommand::method)
                .containsExactly(UpdateMethod.IN_PLACE, UpdateMethod.IN_PLACE);
        assertThat(commands.sent(RecycleDesktopCommand.class)).extracting(RecycleDesktopCommand::desktopId)
                .containsExactly(spare1, spare2);
    }

    @Test
    void givenPausedRollout_whenSwept_thenNoDesktopStartsMoving() {
        floatingPoolWithTwoSpares();
        canaryPassed(WAIT);
        harness.givenAt(T0, new RolloutPausedEvent(rollout, poolId, PauseReason.ADMIN, null, "admin"));

        sweep();

        assertThat(commands.sent(StartDesktopUpdateCommand.class)).isEmpty();
    }

    @Test
    void givenNoProgressWithinTheDeadline_whenSwept_thenTheRolloutPausesWithThatReason() {
        floatingPoolWithTwoSpares();
        running(WAIT);
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, UUID.randomUUID(),
                RolloutStage.CANARY, UpdateMethod.SURGE, 2));
        clock.now = T0.plus(Duration.ofMinutes(11));

        sweep();

        assertThat(commands.sent(PauseRolloutCommand.class)).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo(PauseReason.PROGRESS_DEADLINE));
    }

    // --- idle and in-use desktops ---

    @Test
    void givenPersistentPoolWithAnIdleOwnedDesktop_whenItsTurnComes_thenItIsRecomposedKeepingItsIdentity() {
        UUID owned = UUID.randomUUID();
        harness.givenAt(T0, pool(poolId, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 3, "alice"))
                .givenAt(T0, readyDesktop(owned, poolId, host, "alice"));
        canaryPassed(WAIT);

        sweep();

        assertThat(commands.sent(StartDesktopUpdateCommand.class)).containsExactly(
                new StartDesktopUpdateCommand(rollout, owned, owned, RolloutStage.IDLE, UpdateMethod.RECOMPOSE));
        assertThat(commands.sent(RecomposeDesktopCommand.class)).containsExactly(new RecomposeDesktopCommand(owned, 2, rollout));
    }

    @Test
    void givenWaitPolicyAndADesktopInUse_whenSwept_thenItWaitsForLogoffWithoutDeadline() {
        UUID session = UUID.randomUUID();
        floatingPoolWithTwoSpares();
        harness.givenAt(T0, new DesktopAssignedEvent(spare1, session, "alice", false))
                .givenAt(T0, new DesktopRecycledEvent(spare2, "gone"));
        canaryPassed(WAIT);

        sweep();

        assertThat(commands.sent(AwaitLogoffCommand.class)).containsExactly(new AwaitLogoffCommand(rollout, spare1, session, "alice", null));
        assertThat(commands.sent(EndSessionCommand.class)).isEmpty();
    }

    @Test
    void givenFloatingDesktopAwaitingLogoff_whenItsSessionEnded_thenItCountsAsMovedWhenThePoolRecyclesIt() {
        UUID session = UUID.randomUUID();
        floatingPoolWithTwoSpares();
        harness.givenAt(T0, new DesktopAssignedEvent(spare1, session, "alice", false))
                .givenAt(T0, new DesktopRecycledEvent(spare2, "gone"));
        canaryPassed(WAIT);
        harness.givenAt(T0, new RolloutDesktopAwaitingLogoffEvent(rollout, poolId, spare1, session, "alice", null))
                .givenAt(T0, new DesktopReleasedEvent(spare1, session, "alice"), new DesktopRecycledEvent(spare1, "released"));

        sweep();

        assertThat(commands.sent(StartDesktopUpdateCommand.class)).containsExactly(
                new StartDesktopUpdateCommand(rollout, spare1, null, RolloutStage.IN_USE, UpdateMethod.RETIRED));
    }

    @Test
    void givenForceAfterAndADesktopInUse_whenTheDeadlineNears_thenNoticesAtEachTimeAndTheForcedLogoffAtTheDeadline() {
        UUID session = UUID.randomUUID();
        floatingPoolWithTwoSpares();
        harness.givenAt(T0, new DesktopAssignedEvent(spare1, session, "alice", false))
                .givenAt(T0, new DesktopRecycledEvent(spare2, "gone"));
        canaryPassed(FORCE);

        sweep();
        assertThat(commands.sent(AwaitLogoffCommand.class)).containsExactly(
                new AwaitLogoffCommand(rollout, spare1, session, "alice", T0.plus(Duration.ofMinutes(30))));

        Instant logoffAt = T0.plus(Duration.ofMinutes(30));
        harness.givenAt(T0, new RolloutDesktopAwaitingLogoffEvent(rollout, poolId, spare1, session, "alice", logoffAt));
        clock.now = logoffAt.minus(Duration.ofMinutes(15));
        harness.commands().reset();
        commands = acceptLogoffCommands();
        sweep();
        assertThat(commands.sent(IssueLogoffNoticeCommand.class)).containsExactly(
                new IssueLogoffNoticeCommand(rollout, spare1, Duration.ofMinutes(15)));

        harness.givenAt(clock.now, notice(session, logoffAt, Duration.ofMinutes(15)));
        clock.now = logoffAt.minus(Duration.ofMinutes(5));
        sweep();
        assertThat(commands.sent(IssueLogoffNoticeCommand.class)).extracting(IssueLogoffNoticeCommand::before)
                .containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(5));
        assertThat(harness.bean(RolloutQueries.class).pendingNotices(session)).singleElement()
                .satisfies(n -> assertThat(n.notice()).isEqualTo("Please save your work"));

        clock.now = logoffAt;
        sweep();
        assertThat(commands.sent(ForceLogoffCommand.class)).containsExactly(new ForceLogoffCommand(rollout, spare1));
        assertThat(commands.sent(EndSessionCommand.class)).singleElement()
                .satisfies(c -> assertThat(c.sessionId()).isEqualTo(session));
    }

    private RecordedCommands acceptLogoffCommands() {
        return harness.commands().accept(IssueLogoffNoticeCommand.class, ForceLogoffCommand.class, EndSessionCommand.class,
                ChangePoolTemplateVersionCommand.class, PauseRolloutCommand.class);
    }

    private RolloutLogoffNoticeIssuedEvent notice(UUID session, Instant logoffAt, Duration before) {
        return new RolloutLogoffNoticeIssuedEvent(rollout, poolId, spare1, session, "alice", "Please save your work", logoffAt,
                before);
    }

    // --- host lost, restart, completion ---

    @Test
    void givenReplacementOnAHostThatWentDown_whenSwept_thenItsUpdateIsAbandonedNotFailed() {
        UUID other = UUID.randomUUID();
        UUID replacement = UUID.randomUUID();
        floatingPoolWithTwoSpares();
        running(WAIT);
        harness.givenAt(T0, testDriverHost(other, 10))
                .givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, replacement, RolloutStage.CANARY,
                        UpdateMethod.SURGE, 2))
                .givenAt(T0, new DesktopProvisioningRequestedEvent(replacement, poolId, other, TEMPLATE, 2, null))
                .givenAt(T0, new HostWentDownEvent(other, "unreachable"));

        sweep();

        assertThat(commands.sent(AbandonDesktopUpdateCommand.class)).extracting(AbandonDesktopUpdateCommand::desktopId)
                .containsExactly(spare1);
        assertThat(commands.sent(RecordDesktopUpdateFailedCommand.class)).isEmpty();
    }

    @Test
    void givenBrokerStoppedBetweenRecordingAMoveAndRequestingItsReplacement_whenSwept_thenTheSameReplacementIsRequestedOnce() {
        UUID replacement = UUID.randomUUID();
        floatingPoolWithTwoSpares();
        running(WAIT);
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, replacement, RolloutStage.CANARY,
                UpdateMethod.SURGE, 2));

        sweep();

        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).extracting(RequestDesktopProvisioningCommand::desktopId)
                .containsExactly(replacement);
        assertThat(commands.sent(StartDesktopUpdateCommand.class)).as("the canary is not started twice").isEmpty();
    }

    @Test
    void givenEveryDesktopOnTheNewVersion_whenSwept_thenTheRolloutCompletes() {
        UUID fresh = UUID.randomUUID();
        harness.givenAt(T0, floatingPool(poolId, 1, 5)).givenAt(T0, newVersionReady(fresh));
        canaryPassed(WAIT);

        sweep();

        assertThat(commands.sent(CompleteRolloutCommand.class)).containsExactly(new CompleteRolloutCommand(rollout));
    }

    @Test
    void givenCompletedRolloutStillHoldingItsPool_whenSwept_thenThePoolIsReleased() {
        floatingPoolWithTwoSpares();
        canaryPassed(WAIT);
        harness.givenAt(T0, new RolloutCompletedEvent(rollout, poolId, 2, 2, 0));

        sweep();

        assertThat(commands.all()).containsExactly(new ClosePoolRolloutCommand(poolId, rollout));
    }

    // --- cancel and rollback ---

    @Test
    void givenCancelledRolloutStillHoldingItsPoolOnTheNewVersion_whenSwept_thenThePoolGoesBackToItsOldVersionAndIsReleased() {
        floatingPoolWithTwoSpares();
        canaryPassed(WAIT);
        harness.givenAt(T0, new org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent(poolId, rollout, 1, 2),
                new RolloutCancelledEvent(rollout, poolId, 1, 0, "admin"));

        sweep();

        assertThat(commands.all()).containsExactly(new ChangePoolTemplateVersionCommand(poolId, rollout, 1),
                new ClosePoolRolloutCommand(poolId, rollout));
        assertThat(harness.bean(RolloutQueries.class).find(rollout).orElseThrow()).satisfies(view -> {
            assertThat(view.poolVersion()).isEqualTo(1);
            assertThat(view.summary()).startsWith("cancelled: 0 desktop(s) moved stay on version 2");
        });
    }

    @Test
    void givenRollbackOfACompletedRollout_whenSweptStepByStep_thenTheDesktopsMoveBackToThePreviousVersion() {
        UUID first = UUID.randomUUID();
        UUID newer1 = UUID.randomUUID();
        UUID newer2 = UUID.randomUUID();
        UUID back = rollout;
        // the pool was moved to version 2 by the first rollout, which completed; both spares run version 2
        harness.givenAt(T0, floatingPool(poolId, 2, 5)).givenAt(T0, newVersionReady(newer1))
                .givenAt(T0.plusMillis(1), newVersionReady(newer2))
                .givenAt(T0, new PoolRolloutOpenedEvent(poolId, first, 1, 2, null, "admin"),
                        new RolloutStartedEvent(first, poolId, TEMPLATE, 1, 2, WAIT, T0, null, "admin"),
                        new org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent(poolId, first, 1, 2),
                        new RolloutCompletedEvent(first, poolId, 2, 2, 0))
                .givenAt(T0, new PoolRolloutOpenedEvent(poolId, back, 2, 1, first, "admin"),
                        new RolloutRolledBackEvent(first, poolId, back, 2, "admin"),
                        new RolloutStartedEvent(back, poolId, TEMPLATE, 2, 1, WAIT, T0, first, "admin"));

        sweep();
        assertThat(commands.sent(BeginRolloutCommand.class)).containsExactly(new BeginRolloutCommand(back, 2, 1));

        harness.givenAt(T0, new RolloutBegunEvent(back, poolId, 2, 1));
        sweep();
        StartDesktopUpdateCommand canary = commands.sent(StartDesktopUpdateCommand.class).get(0);
        assertThat(canary.desktopId()).isEqualTo(newer1);
        assertThat(canary.stage()).isEqualTo(RolloutStage.CANARY);
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).containsExactly(
                new RequestDesktopProvisioningCommand(canary.replacementId(), poolId, host, TEMPLATE, 1, null));

        harness.givenAt(T0, readyDesktop(canary.replacementId(), poolId, host, null));
        sweep();
        assertThat(commands.sent(RecordDesktopUpdatedCommand.class)).containsExactly(new RecordDesktopUpdatedCommand(back, newer1));
        assertThat(commands.sent(RecycleDesktopCommand.class)).extracting(RecycleDesktopCommand::desktopId).containsExactly(newer1);

        harness.givenAt(T0, new RolloutDesktopUpdatedEvent(back, poolId, newer1, canary.replacementId(), RolloutStage.CANARY, 1),
                new RolloutCanaryPassedEvent(back, poolId, 1, 1), new DesktopRecycledEvent(newer1, "replaced"));
        sweep();
        assertThat(commands.sent(ChangePoolTemplateVersionCommand.class)).as("new desktops are built on version 1 again")
                .containsExactly(new ChangePoolTemplateVersionCommand(poolId, back, 1));
        StartDesktopUpdateCommand spare = commands.sent(StartDesktopUpdateCommand.class).get(1);
        assertThat(spare.desktopId()).isEqualTo(newer2);
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class).get(1))
                .isEqualTo(new RequestDesktopProvisioningCommand(spare.replacementId(), poolId, host, TEMPLATE, 1, null));

        harness.givenAt(T0, readyDesktop(spare.replacementId(), poolId, host, null));
        sweep();
        harness.givenAt(T0, new RolloutDesktopUpdatedEvent(back, poolId, newer2, spare.replacementId(), RolloutStage.SPARE, 1),
                new DesktopRecycledEvent(newer2, "replaced"));
        sweep();
        assertThat(commands.sent(CompleteRolloutCommand.class)).containsExactly(new CompleteRolloutCommand(back));
    }

    // --- a pool where nothing can move ---

    @Test
    void givenPoolWithNoDesktops_whenTheRolloutRuns_thenAFreshDesktopOnTheNewVersionIsTheCanaryAndStaysAsASpare() {
        harness.givenAt(T0, floatingPool(poolId, 0, 5));
        started(WAIT, T0);

        sweep();
        assertThat(commands.sent(BeginRolloutCommand.class)).containsExactly(new BeginRolloutCommand(rollout, 0, 1));

        harness.givenAt(T0, new RolloutBegunEvent(rollout, poolId, 0, 1));
        sweep();
        StartDesktopUpdateCommand canary = commands.sent(StartDesktopUpdateCommand.class).get(0);
        assertThat(canary.method()).isEqualTo(UpdateMethod.FRESH);
        assertThat(canary.stage()).isEqualTo(RolloutStage.CANARY);
        assertThat(canary.replacementId()).isEqualTo(canary.desktopId());
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).containsExactly(
                new RequestDesktopProvisioningCommand(canary.desktopId(), poolId, host, TEMPLATE, 2, null));

        sweep();
        assertThat(commands.sent(StartDesktopUpdateCommand.class)).as("one canary, not one per sweep").hasSize(1);

        harness.givenAt(T0, newVersionReady(canary.desktopId()));
        sweep();
        assertThat(commands.sent(RecordDesktopUpdatedCommand.class)).containsExactly(
                new RecordDesktopUpdatedCommand(rollout, canary.desktopId()));
        assertThat(commands.sent(RecycleDesktopCommand.class)).as("the canary stays as a spare").isEmpty();
    }

    @Test
    void givenPoolWithNoDesktopsAndNoRoomOrARollback_whenBegun_thenNoCanaryIsNeededAndTheStateSaysNoDesktopsToUpdate() {
        harness.givenAt(T0, floatingPool(poolId, 0, 0));
        started(WAIT, T0);

        sweep();
        assertThat(commands.sent(BeginRolloutCommand.class)).containsExactly(new BeginRolloutCommand(rollout, 0, 0));

        harness.givenAt(T0, new RolloutBegunEvent(rollout, poolId, 0, 0), new RolloutCanaryPassedEvent(rollout, poolId, 2, 0),
                new RolloutCompletedEvent(rollout, poolId, 2, 0, 0));
        assertThat(harness.bean(RolloutQueries.class).find(rollout).orElseThrow().summary())
                .isEqualTo("no desktops to update: new desktops use version 2");
    }

    // --- a spare taken while its replacement is built ---

    @Test
    void givenSpareClaimedByAUserWhileItsReplacementIsBuilt_whenSwept_thenItsMoveIsAbandonedAndItMovesAfterItsSession() {
        UUID session = UUID.randomUUID();
        UUID replacement = UUID.randomUUID();
        harness.givenAt(T0, pool(poolId, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 1, 5, "alice"))
                .givenAt(T0, readyDesktop(spare1, poolId, host, null));
        canaryPassed(WAIT);
        harness.givenAt(T0, new RolloutDesktopUpdateStartedEvent(rollout, poolId, spare1, replacement, RolloutStage.SPARE,
                        UpdateMethod.SURGE, 2))
                .givenAt(T0, new DesktopAssignedEvent(spare1, session, "alice", true))
                .givenAt(T0, newVersionReady(replacement));

        sweep();

        assertThat(commands.sent(AbandonDesktopUpdateCommand.class)).extracting(AbandonDesktopUpdateCommand::desktopId)
                .containsExactly(spare1);
        assertThat(commands.sent(RecordDesktopUpdatedCommand.class)).as("it is not counted as updated").isEmpty();
        assertThat(commands.sent(RecycleDesktopCommand.class)).isEmpty();

        harness.givenAt(T0, new RolloutDesktopUpdateAbandonedEvent(rollout, poolId, spare1, replacement, "taken"));
        harness.commands().reset();
        commands = acceptLogoffCommands().accept(AwaitLogoffCommand.class);
        sweep();
        assertThat(commands.sent(AwaitLogoffCommand.class)).containsExactly(
                new AwaitLogoffCommand(rollout, spare1, session, "alice", null));

        harness.givenAt(T0, new RolloutDesktopAwaitingLogoffEvent(rollout, poolId, spare1, session, "alice", null),
                new DesktopReleasedEvent(spare1, session, "alice"));
        harness.commands().reset();
        commands = harness.commands().accept(ChangePoolTemplateVersionCommand.class, RecomposeDesktopCommand.class,
                CompleteRolloutCommand.class)
                .answer(StartDesktopUpdateCommand.class, c -> true);
        sweep();
        assertThat(commands.sent(StartDesktopUpdateCommand.class)).containsExactly(
                new StartDesktopUpdateCommand(rollout, spare1, spare1, RolloutStage.IN_USE, UpdateMethod.RECOMPOSE));
        assertThat(commands.sent(RecomposeDesktopCommand.class)).containsExactly(new RecomposeDesktopCommand(spare1, 2, rollout));
    }

    private Object[] newVersionReady(UUID desktopId) {
        Object[] events = readyDesktop(desktopId, poolId, host, null);
        DesktopProvisioningRequestedEvent requested = (DesktopProvisioningRequestedEvent) events[0];
        events[0] = new DesktopProvisioningRequestedEvent(desktopId, requested.poolId(), requested.hostId(), TEMPLATE, 2, null);
        return events;
    }
}
