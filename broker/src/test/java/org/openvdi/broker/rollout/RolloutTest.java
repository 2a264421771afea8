package org.openvdi.broker.rollout;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.rollout.api.*;

/** Given/when/then for every command path of the rollout aggregate, rejections included. */
class RolloutTest {

    static final UUID ROLLOUT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID CANARY = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    static final UUID CANARY_NEW = UUID.fromString("00000000-0000-0000-0000-0000000000d2");
    static final UUID SPARE = UUID.fromString("00000000-0000-0000-0000-0000000000d3");
    static final UUID SPARE_NEW = UUID.fromString("00000000-0000-0000-0000-0000000000d4");
    static final UUID IN_USE = UUID.fromString("00000000-0000-0000-0000-0000000000d5");
    static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final Map<String, Object> ADMIN = Map.of("user", "admin");
    static final Map<String, Object> SYSTEM = Map.of("user", "system");
    static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    static final Instant LOGOFF_AT = NOW.plus(Duration.ofMinutes(30));

    static final RolloutStrategy STRATEGY = new RolloutStrategy(1, Budget.count(1), 1, LogoffPolicy.FORCE_AFTER,
            Duration.ofMinutes(30), "Saving your work is wise", Duration.ofMinutes(15), Duration.ofMinutes(10), 2);

    static final RolloutStartedEvent STARTED = new RolloutStartedEvent(ROLLOUT, POOL, TEMPLATE, 1, 2, STRATEGY, NOW, null,
            "admin");
    static final RolloutBegunEvent BEGUN = new RolloutBegunEvent(ROLLOUT, POOL, 3, 1);
    static final RolloutDesktopUpdateStartedEvent CANARY_STARTED = new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL,
            CANARY, CANARY_NEW, RolloutStage.CANARY, UpdateMethod.SURGE, 2);
    static final RolloutDesktopUpdatedEvent CANARY_UPDATED = new RolloutDesktopUpdatedEvent(ROLLOUT, POOL, CANARY,
            CANARY_NEW, RolloutStage.CANARY, 2);
    static final RolloutCanaryPassedEvent CANARY_PASSED = new RolloutCanaryPassedEvent(ROLLOUT, POOL, 2, 1);
    static final RolloutDesktopUpdateStartedEvent SPARE_STARTED = new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL,
            SPARE, SPARE_NEW, RolloutStage.SPARE, UpdateMethod.SURGE, 2);
    static final RolloutDesktopAwaitingLogoffEvent AWAITING = new RolloutDesktopAwaitingLogoffEvent(ROLLOUT, POOL, IN_USE,
            SESSION, "alice", LOGOFF_AT);
    static final RolloutPausedEvent PAUSED_BY_ADMIN = new RolloutPausedEvent(ROLLOUT, POOL, PauseReason.ADMIN,
            "looking at the canary", "admin");

    private FixtureConfiguration<Rollout> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Rollout.class);
    }

    // --- start and begin ---

    @Test
    void givenNothing_whenStarted_thenRolloutStartedByTheActingUser() {
        fixture.givenNoPriorActivity()
                .when(new StartRolloutCommand(ROLLOUT, POOL, TEMPLATE, 1, 2, STRATEGY, NOW, null), ADMIN)
                .expectEvents(STARTED);
    }

    @Test
    void givenNothing_whenStartedOnTheSameVersion_thenRefusedAndNothingHappens() {
        fixture.givenNoPriorActivity()
                .when(new StartRolloutCommand(ROLLOUT, POOL, TEMPLATE, 2, 2, STRATEGY, NOW, null), ADMIN)
                .expectException(BrokerException.class).expectException(rejectedWith(ErrorCode.ROLLOUT_SAME_VERSION))
                .expectNoEvents();
    }

    @Test
    void givenScheduled_whenBegun_thenRunningWithItsTotalAndCanaryCount() {
        fixture.given(STARTED).when(new BeginRolloutCommand(ROLLOUT, 3, 1)).expectEvents(BEGUN);
    }

    @Test
    void givenRunning_whenBegunAgain_thenNothingHappens() {
        fixture.given(STARTED, BEGUN).when(new BeginRolloutCommand(ROLLOUT, 3, 1)).expectNoEvents();
    }

    @Test
    void givenEmptyPool_whenBegun_thenTheCanaryPassesWithNothingToTry() {
        fixture.given(STARTED).when(new BeginRolloutCommand(ROLLOUT, 0, 0))
                .expectEvents(new RolloutBegunEvent(ROLLOUT, POOL, 0, 0), new RolloutCanaryPassedEvent(ROLLOUT, POOL, 2, 0));
    }

    // --- canary ---

    @Test
    void givenRunning_whenTheCanaryStarts_thenItsUpdateIsRecordedAndAnswersTrue() {
        fixture.given(STARTED, BEGUN)
                .when(new StartDesktopUpdateCommand(ROLLOUT, CANARY, CANARY_NEW, RolloutStage.CANARY, UpdateMethod.SURGE))
                .expectEvents(CANARY_STARTED).expectResultMessagePayload(true);
    }

    @Test
    void givenCanaryStarted_whenItStartsAgain_thenNothingHappensAndAnswersFalse() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED)
                .when(new StartDesktopUpdateCommand(ROLLOUT, CANARY, UUID.randomUUID(), RolloutStage.CANARY, UpdateMethod.SURGE))
                .expectNoEvents().expectResultMessagePayload(false);
    }

    @Test
    void givenCanaryNotPassed_whenASpareWouldStart_thenRefused() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED)
                .when(new StartDesktopUpdateCommand(ROLLOUT, SPARE, SPARE_NEW, RolloutStage.SPARE, UpdateMethod.SURGE))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
    }

    @Test
    void givenCanaryInProgress_whenItIsReady_thenUpdatedAndTheCanaryPasses() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED).when(new RecordDesktopUpdatedCommand(ROLLOUT, CANARY))
                .expectEvents(CANARY_UPDATED, CANARY_PASSED);
    }

    @Test
    void givenCanaryInProgress_whenItFails_thenTheRolloutPausesWithTheCanaryAsReason() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED).when(new RecordDesktopUpdateFailedCommand(ROLLOUT, CANARY, "no display"))
                .expectEvents(new RolloutDesktopFailedEvent(ROLLOUT, POOL, CANARY, CANARY_NEW, RolloutStage.CANARY, "no display", 1),
                        new RolloutPausedEvent(ROLLOUT, POOL, PauseReason.CANARY_FAILED,
                                "canary desktop " + CANARY + " failed: no display", "system"));
    }

    @Test
    void givenCanaryUpdated_whenReportedAgain_thenNothingHappens() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED)
                .when(new RecordDesktopUpdatedCommand(ROLLOUT, CANARY)).expectNoEvents();
    }

    // --- spares and failures ---

    @Test
    void givenCanaryPassed_whenASpareFailsBelowTheThreshold_thenOnlyTheFailureIsRecorded() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED)
                .when(new RecordDesktopUpdateFailedCommand(ROLLOUT, SPARE, "clone failed"))
                .expectEvents(new RolloutDesktopFailedEvent(ROLLOUT, POOL, SPARE, SPARE_NEW, RolloutStage.SPARE, "clone failed", 1));
    }

    @Test
    void givenOneFailureAlready_whenASecondDesktopFails_thenTheFailureThresholdPausesTheRollout() {
        UUID other = UUID.randomUUID();
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED,
                        new RolloutDesktopFailedEvent(ROLLOUT, POOL, SPARE, SPARE_NEW, RolloutStage.SPARE, "clone failed", 1),
                        new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL, other, null, RolloutStage.SPARE, UpdateMethod.IN_PLACE, 2))
                .when(new RecordDesktopUpdateFailedCommand(ROLLOUT, other, "start failed"))
                .expectEvents(new RolloutDesktopFailedEvent(ROLLOUT, POOL, other, null, RolloutStage.SPARE, "start failed", 2),
                        new RolloutPausedEvent(ROLLOUT, POOL, PauseReason.FAILURE_THRESHOLD,
                                "2 desktop(s) failed, the threshold is 2", "system"));
    }

    @Test
    void givenSpareInProgress_whenItsHostIsLost_thenTheUpdateIsAbandonedAndMayStartAgain() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED,
                        new RolloutDesktopUpdateAbandonedEvent(ROLLOUT, POOL, SPARE, SPARE_NEW, "host lost"))
                .when(new StartDesktopUpdateCommand(ROLLOUT, SPARE, SPARE, RolloutStage.SPARE, UpdateMethod.SURGE))
                .expectEvents(new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL, SPARE, SPARE, RolloutStage.SPARE,
                        UpdateMethod.SURGE, 2));
    }

    @Test
    void givenSpareInProgress_whenAbandoned_thenRecorded() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED)
                .when(new AbandonDesktopUpdateCommand(ROLLOUT, SPARE, "host lost"))
                .expectEvents(new RolloutDesktopUpdateAbandonedEvent(ROLLOUT, POOL, SPARE, SPARE_NEW, "host lost"));
    }

    @Test
    void givenPaused_whenADesktopWouldStart_thenNothingHappens() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, PAUSED_BY_ADMIN)
                .when(new StartDesktopUpdateCommand(ROLLOUT, SPARE, SPARE_NEW, RolloutStage.SPARE, UpdateMethod.SURGE))
                .expectNoEvents().expectResultMessagePayload(false);
    }

    // --- in-use desktops ---

    @Test
    void givenCanaryPassed_whenAnInUseDesktopWaits_thenItAwaitsLogoffWithItsDeadline() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED)
                .when(new AwaitLogoffCommand(ROLLOUT, IN_USE, SESSION, "alice", LOGOFF_AT)).expectEvents(AWAITING);
    }

    @Test
    void givenAwaitingLogoff_whenANoticeIsDue_thenItIsIssuedOnceWithTheAdminsMessage() {
        RolloutLogoffNoticeIssuedEvent notice = new RolloutLogoffNoticeIssuedEvent(ROLLOUT, POOL, IN_USE, SESSION, "alice",
                "Saving your work is wise", LOGOFF_AT, Duration.ofMinutes(15));
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, AWAITING)
                .when(new IssueLogoffNoticeCommand(ROLLOUT, IN_USE, Duration.ofMinutes(15))).expectEvents(notice);
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, AWAITING, notice)
                .when(new IssueLogoffNoticeCommand(ROLLOUT, IN_USE, Duration.ofMinutes(15))).expectNoEvents();
    }

    @Test
    void givenAwaitingLogoff_whenTheDeadlinePasses_thenTheForcedLogoffIsRecordedWithItsReason() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, AWAITING)
                .when(new ForceLogoffCommand(ROLLOUT, IN_USE))
                .expectEvents(new RolloutLogoffForcedEvent(ROLLOUT, POOL, IN_USE, SESSION, "alice",
                        "rollout to version 2: the logoff deadline passed"));
    }

    @Test
    void givenWaitPolicy_whenAForcedLogoffIsAsked_thenNothingHappens() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED,
                        new RolloutDesktopAwaitingLogoffEvent(ROLLOUT, POOL, IN_USE, SESSION, "alice", null))
                .when(new ForceLogoffCommand(ROLLOUT, IN_USE)).expectNoEvents();
    }

    @Test
    void givenFloatingDesktopAwaitingLogoff_whenItIsRetiredAfterItsSession_thenStartedAndUpdatedAtOnce() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, AWAITING)
                .when(new StartDesktopUpdateCommand(ROLLOUT, IN_USE, null, RolloutStage.IN_USE, UpdateMethod.RETIRED))
                .expectEvents(new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL, IN_USE, null, RolloutStage.IN_USE,
                                UpdateMethod.RETIRED, 2),
                        new RolloutDesktopUpdatedEvent(ROLLOUT, POOL, IN_USE, null, RolloutStage.IN_USE, 2));
    }

    // --- pause, resume, cancel, rollback, complete ---

    @Test
    void givenRunning_whenPausedByAnAdmin_thenPausedWithWhoAndWhy() {
        fixture.given(STARTED, BEGUN).when(new PauseRolloutCommand(ROLLOUT, PauseReason.ADMIN, "looking at the canary"), ADMIN)
                .expectEvents(PAUSED_BY_ADMIN);
    }

    @Test
    void givenPaused_whenPausedAgain_thenNothingHappens() {
        fixture.given(STARTED, BEGUN, PAUSED_BY_ADMIN)
                .when(new PauseRolloutCommand(ROLLOUT, PauseReason.PROGRESS_DEADLINE, "stuck"), SYSTEM).expectNoEvents();
    }

    @Test
    void givenPaused_whenResumed_thenResumedAndFailuresCountAfresh() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED,
                        new RolloutDesktopFailedEvent(ROLLOUT, POOL, SPARE, SPARE_NEW, RolloutStage.SPARE, "x", 1),
                        new RolloutPausedEvent(ROLLOUT, POOL, PauseReason.FAILURE_THRESHOLD, "1 failed", "system"),
                        new RolloutResumedEvent(ROLLOUT, POOL, "admin"),
                        new RolloutDesktopUpdateStartedEvent(ROLLOUT, POOL, IN_USE, null, RolloutStage.SPARE, UpdateMethod.IN_PLACE, 2))
                .when(new RecordDesktopUpdateFailedCommand(ROLLOUT, IN_USE, "y"))
                .expectEvents(new RolloutDesktopFailedEvent(ROLLOUT, POOL, IN_USE, null, RolloutStage.SPARE, "y", 1));
    }

    @Test
    void givenPaused_whenResumedByAnAdmin_thenResumed() {
        fixture.given(STARTED, BEGUN, PAUSED_BY_ADMIN).when(new ResumeRolloutCommand(ROLLOUT), ADMIN)
                .expectEvents(new RolloutResumedEvent(ROLLOUT, POOL, "admin"));
    }

    @Test
    void givenRunning_whenCancelled_thenCancelledWithWhatMovedAlready() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED).when(new CancelRolloutCommand(ROLLOUT), ADMIN)
                .expectEvents(new RolloutCancelledEvent(ROLLOUT, POOL, 1, 0, "admin"));
    }

    @Test
    void givenCancelled_whenResumedOrPaused_thenRefusedAsFinished() {
        RolloutCancelledEvent cancelled = new RolloutCancelledEvent(ROLLOUT, POOL, 0, 0, "admin");
        fixture.given(STARTED, cancelled).when(new ResumeRolloutCommand(ROLLOUT), ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_FINISHED)).expectNoEvents();
        fixture.given(STARTED, cancelled).when(new PauseRolloutCommand(ROLLOUT, PauseReason.ADMIN, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_FINISHED)).expectNoEvents();
        fixture.given(STARTED, cancelled).when(new CancelRolloutCommand(ROLLOUT), ADMIN).expectNoEvents();
    }

    @Test
    void givenRunning_whenRolledBack_thenRolledBackNamingTheRolloutBack() {
        UUID back = UUID.randomUUID();
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED)
                .when(new RollBackRolloutCommand(ROLLOUT, back), ADMIN)
                .expectEvents(new RolloutRolledBackEvent(ROLLOUT, POOL, back, 1, "admin"));
    }

    @Test
    void givenCancelledAfterTheCanary_whenRolledBack_thenRolledBackSoTheDesktopsItMovedGoBack() {
        UUID back = UUID.randomUUID();
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED,
                        new RolloutCancelledEvent(ROLLOUT, POOL, 1, 0, "admin"))
                .when(new RollBackRolloutCommand(ROLLOUT, back), ADMIN)
                .expectEvents(new RolloutRolledBackEvent(ROLLOUT, POOL, back, 1, "admin"));
    }

    @Test
    void givenRolledBack_whenRolledBackAgain_thenRefused() {
        fixture.given(STARTED, new RolloutRolledBackEvent(ROLLOUT, POOL, UUID.randomUUID(), 0, "admin"))
                .when(new RollBackRolloutCommand(ROLLOUT, UUID.randomUUID()), ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_FINISHED)).expectNoEvents();
    }

    @Test
    void givenEveryDesktopMoved_whenCompleted_thenCompletedWithItsCounts() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED).when(new CompleteRolloutCommand(ROLLOUT))
                .expectEvents(new RolloutCompletedEvent(ROLLOUT, POOL, 2, 1, 0));
    }

    @Test
    void givenADesktopStillMoving_whenCompleted_thenNothingHappens() {
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, SPARE_STARTED)
                .when(new CompleteRolloutCommand(ROLLOUT)).expectNoEvents();
        fixture.given(STARTED, BEGUN, CANARY_STARTED, CANARY_UPDATED, CANARY_PASSED, AWAITING)
                .when(new CompleteRolloutCommand(ROLLOUT)).expectNoEvents();
    }

    @Test
    void givenScheduledAndPaused_whenResumed_thenItWaitsForItsStartAgain() {
        fixture.given(STARTED, new RolloutPausedEvent(ROLLOUT, POOL, PauseReason.ADMIN, null, "admin"),
                        new RolloutResumedEvent(ROLLOUT, POOL, "admin"))
                .when(new BeginRolloutCommand(ROLLOUT, 3, 1)).expectEvents(BEGUN);
    }

    // --- images ---

    @Test
    void givenCompleted_whenTheOldImageIsDeletedOnAHost_thenRecordedOncePerHost() {
        RolloutImageDeletedEvent deleted = new RolloutImageDeletedEvent(ROLLOUT, HOST, TEMPLATE, 1, "ab");
        RolloutCompletedEvent completed = new RolloutCompletedEvent(ROLLOUT, POOL, 2, 0, 0);
        fixture.given(STARTED, BEGUN, completed).when(new RecordImageDeletedCommand(ROLLOUT, HOST, TEMPLATE, 1, "ab"))
                .expectEvents(deleted);
        fixture.given(STARTED, BEGUN, completed, deleted).when(new RecordImageDeletedCommand(ROLLOUT, HOST, TEMPLATE, 1, "ab"))
                .expectNoEvents();
    }
}
