package org.openvdi.broker.desktop;

import static org.hamcrest.Matchers.containsString;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openvdi.broker.desktop.api.AssignDesktopCommand;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopDomainDefinedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopGuestAgentAnsweredEvent;
import org.openvdi.broker.desktop.api.DesktopUserDiskCreatedEvent;
import org.openvdi.broker.desktop.api.RecordGuestAgentAnsweredCommand;
import org.openvdi.broker.desktop.api.RecordUserDiskCreatedCommand;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.DesktopStartedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendedEvent;
import org.openvdi.broker.desktop.api.RecordDesktopSuspendedCommand;
import org.openvdi.broker.desktop.api.SuspendDesktopCommand;
import org.openvdi.broker.desktop.api.RecomposeDesktopCommand;
import org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.desktop.api.FailDesktopCommand;
import org.openvdi.broker.desktop.api.RecordDesktopDestroyedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopLostCommand;
import org.openvdi.broker.desktop.api.RecordDesktopPoweredOffCommand;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.desktop.api.RecycleDesktopCommand;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopPowerOnCommand;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

class DesktopTest {

    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final UUID OTHER_SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e2");

    // --- the events of a desktop's life ---

    private static final DesktopProvisioningRequestedEvent REQUESTED = requested(null);
    private static final DesktopVolumeClonedEvent CLONED = new DesktopVolumeClonedEvent(DESKTOP, 1200);
    private static final DesktopDomainDefinedEvent DEFINED = new DesktopDomainDefinedEvent(DESKTOP, 30);
    private static final DesktopStartedEvent STARTED = new DesktopStartedEvent(DESKTOP, 800);
    private static final DesktopBecameReadyEvent READY = new DesktopBecameReadyEvent(DESKTOP, "10.0.0.1", 5901, 15000);
    private static final DesktopFailedEvent FAILED = new DesktopFailedEvent(DESKTOP, "STARTED", "display did not answer");
    private static final DesktopRecycledEvent RECYCLED = new DesktopRecycledEvent(DESKTOP, "rollout to v2");
    private static final DesktopLostEvent LOST = new DesktopLostEvent(DESKTOP, "its VM is gone from the host");
    private static final DesktopDestroyedEvent DESTROYED = new DesktopDestroyedEvent(DESKTOP);
    private static final DesktopPoweredOffEvent POWERED_OFF = new DesktopPoweredOffEvent(DESKTOP, "session ended");
    private static final DesktopPowerOnRequestedEvent POWER_ON_REQUESTED = new DesktopPowerOnRequestedEvent(DESKTOP);
    private static final String DISCONNECTED = "disconnected for PT15M";
    private static final DesktopSuspendRequestedEvent SUSPENDING = new DesktopSuspendRequestedEvent(DESKTOP, DISCONNECTED);
    private static final DesktopSuspendedEvent SUSPENDED = new DesktopSuspendedEvent(DESKTOP, true, 900);

    private static final DesktopUserDiskCreatedEvent USER_DISK = new DesktopUserDiskCreatedEvent(DESKTOP, 8, 40);
    private static final DesktopGuestAgentAnsweredEvent AGENT_ANSWERED = new DesktopGuestAgentAnsweredEvent(DESKTOP, 2500);

    private FixtureConfiguration<Desktop> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Desktop.class);
    }

    private static DesktopProvisioningRequestedEvent requested(String owner) {
        return new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 2, owner);
    }

    private static DesktopAssignedEvent assigned(UUID session, String user, boolean claimed) {
        return new DesktopAssignedEvent(DESKTOP, session, user, claimed);
    }

    private static AssignDesktopCommand assign(UUID session, String user, boolean claim) {
        return new AssignDesktopCommand(DESKTOP, session, user, claim);
    }

    /** A floating (unowned) desktop that went through provisioning and is ready, followed by {@code more}. */
    private static Object[] ready(Object... more) {
        return history(List.of(REQUESTED, CLONED, DEFINED, STARTED, READY), more);
    }

    /** A desktop provisioned for {@code owner} (a persistent pool's desktop), ready, followed by {@code more}. */
    private static Object[] ownedReady(String owner, Object... more) {
        return history(List.of(requested(owner), CLONED, DEFINED, STARTED, READY), more);
    }

    private static Object[] history(List<Object> start, Object... more) {
        List<Object> events = new ArrayList<>(start);
        events.addAll(Arrays.asList(more));
        return events.toArray();
    }

    // --- provisioning ---

    @Test
    void givenNoDesktop_whenProvisioningRequested_thenDesktopProvisioningRequested() {
        fixture.givenNoPriorActivity()
                .when(new RequestDesktopProvisioningCommand(DESKTOP, POOL, HOST, TEMPLATE, 2, null))
                .expectSuccessfulHandlerExecution()
                .expectEvents(REQUESTED);
    }

    @Test
    void givenNoDesktop_whenProvisioningRequestedForOwner_thenRequestedWithOwner() {
        fixture.givenNoPriorActivity()
                .when(new RequestDesktopProvisioningCommand(DESKTOP, POOL, HOST, TEMPLATE, 2, "alice"))
                .expectEvents(requested("alice"));
    }

    @Test
    void givenRequestedDesktop_whenVolumeCloned_thenDesktopVolumeCloned() {
        fixture.given(REQUESTED)
                .when(new RecordVolumeClonedCommand(DESKTOP, 1200))
                .expectEvents(CLONED);
    }

    @Test
    void givenClonedDesktop_whenVolumeClonedAgain_thenNoEvents() {
        fixture.given(REQUESTED, CLONED)
                .when(new RecordVolumeClonedCommand(DESKTOP, 999))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenClonedDesktop_whenDomainDefined_thenDesktopDomainDefined() {
        fixture.given(REQUESTED, CLONED)
                .when(new RecordDomainDefinedCommand(DESKTOP, 30))
                .expectEvents(DEFINED);
    }

    @Test
    void givenDefinedDesktop_whenDomainDefinedAgain_thenNoEvents() {
        fixture.given(REQUESTED, CLONED, DEFINED)
                .when(new RecordDomainDefinedCommand(DESKTOP, 31))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDefinedDesktop_whenVolumeCloned_thenNoEventsBecauseThatStepIsBehindIt() {
        fixture.given(REQUESTED, CLONED, DEFINED)
                .when(new RecordVolumeClonedCommand(DESKTOP, 1200))
                .expectNoEvents();
    }

    @Test
    void givenDefinedDesktop_whenStarted_thenDesktopStarted() {
        fixture.given(REQUESTED, CLONED, DEFINED)
                .when(new RecordDesktopStartedCommand(DESKTOP, 800))
                .expectEvents(STARTED);
    }

    @Test
    void givenStartedDesktop_whenStartedAgain_thenNoEvents() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new RecordDesktopStartedCommand(DESKTOP, 801))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenStartedDesktop_whenDomainDefined_thenNoEventsBecauseThatStepIsBehindIt() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new RecordDomainDefinedCommand(DESKTOP, 30))
                .expectNoEvents();
    }

    @Test
    void givenStartedDesktop_whenDisplayAnswers_thenDesktopBecameReady() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new RecordDesktopReadyCommand(DESKTOP, "10.0.0.1", 5901, 15000))
                .expectEvents(READY);
    }

    @Test
    void givenRequestedDesktop_whenDisplayAnswers_thenDesktopBecameReadyWithoutTheIntermediateSteps() {
        fixture.given(REQUESTED)
                .when(new RecordDesktopReadyCommand(DESKTOP, "10.0.0.1", 5901, 15000))
                .expectEvents(READY);
    }

    static Stream<Arguments> stepsAfterReady() {
        return Stream.of(
                Arguments.of("volume cloned", new RecordVolumeClonedCommand(DESKTOP, 1)),
                Arguments.of("domain defined", new RecordDomainDefinedCommand(DESKTOP, 1)),
                Arguments.of("started", new RecordDesktopStartedCommand(DESKTOP, 1)),
                Arguments.of("ready", new RecordDesktopReadyCommand(DESKTOP, "10.0.0.2", 5902, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepsAfterReady")
    void givenReadyDesktop_whenStepRecordedAgain_thenNoEvents(String step, Object command) {
        fixture.given(ready())
                .when(command)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepsAfterReady")
    void givenFailedDesktop_whenLateStepRecorded_thenNoEvents(String step, Object command) {
        fixture.given(REQUESTED, CLONED, FAILED)
                .when(command)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepsAfterReady")
    void givenRecyclingDesktop_whenLateStepRecorded_thenNoEvents(String step, Object command) {
        fixture.given(ready(RECYCLED))
                .when(command)
                .expectNoEvents();
    }

    // --- failing ---

    @Test
    void givenProvisioningDesktop_whenFailed_thenDesktopFailed() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new FailDesktopCommand(DESKTOP, "STARTED", "display did not answer"))
                .expectEvents(FAILED);
    }

    @Test
    void givenFailedDesktop_whenFailedAgain_thenNoEvents() {
        fixture.given(REQUESTED, CLONED, FAILED)
                .when(new FailDesktopCommand(DESKTOP, "CLONED", "again"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDestroyedDesktop_whenFailed_thenNoEvents() {
        fixture.given(ready(RECYCLED, DESTROYED))
                .when(new FailDesktopCommand(DESKTOP, "READY", "too late"))
                .expectNoEvents();
    }

    @Test
    void givenAssignedDesktop_whenFailed_thenDesktopFailed() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(new FailDesktopCommand(DESKTOP, "ASSIGNED", "guest crashed"))
                .expectEvents(new DesktopFailedEvent(DESKTOP, "ASSIGNED", "guest crashed"));
    }

    // --- assigning ---

    @Test
    void givenReadyDesktop_whenAssigned_thenDesktopAssigned() {
        fixture.given(ready())
                .when(assign(SESSION, "alice", false))
                .expectSuccessfulHandlerExecution()
                .expectEvents(assigned(SESSION, "alice", false));
    }

    @Test
    void givenReadyUnownedDesktop_whenAssignedWithClaim_thenDesktopAssignedAndClaimed() {
        fixture.given(ready())
                .when(assign(SESSION, "alice", true))
                .expectEvents(assigned(SESSION, "alice", true));
    }

    @Test
    void givenDesktopAssignedToSession_whenSameSessionAssignedAgain_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(assign(SESSION, "alice", false))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDesktopAssignedToSession_whenOtherSessionAssigned_thenDesktopNotAvailable() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(assign(OTHER_SESSION, "bob", false))
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectExceptionMessage(containsString("is ASSIGNED"))
                .expectNoEvents();
    }

    @Test
    void givenDesktopAssignedToSession_whenSameUserAssignedInOtherSession_thenDesktopNotAvailable() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(assign(OTHER_SESSION, "alice", false))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    static Stream<Arguments> desktopsThatAreNotReady() {
        return Stream.of(
                Arguments.of("requested", new Object[] {REQUESTED}),
                Arguments.of("cloned", new Object[] {REQUESTED, CLONED}),
                Arguments.of("defined", new Object[] {REQUESTED, CLONED, DEFINED}),
                Arguments.of("started", new Object[] {REQUESTED, CLONED, DEFINED, STARTED}),
                Arguments.of("failed", new Object[] {REQUESTED, CLONED, FAILED}),
                Arguments.of("recycling", ready(RECYCLED)),
                Arguments.of("lost", ready(LOST)),
                Arguments.of("destroyed", ready(RECYCLED, DESTROYED)),
                Arguments.of("powered off", ownedReady("alice", POWERED_OFF)),
                Arguments.of("powering on", ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED)),
                Arguments.of("released floating (recycling)",
                        ready(assigned(SESSION, "alice", false), new DesktopReleasedEvent(DESKTOP, SESSION, "alice"),
                                new DesktopRecycledEvent(DESKTOP, "floating desktop released"))));
    }

    @ParameterizedTest(name = "given {0} desktop")
    @MethodSource("desktopsThatAreNotReady")
    void givenDesktopThatIsNotReady_whenAssigned_thenDesktopNotAvailable(String state, Object[] history) {
        fixture.given(history)
                .when(assign(SESSION, "alice", false))
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenDesktopProvisionedForSomeoneElse_whenAssigned_thenDesktopNotAvailable() {
        fixture.given(ownedReady("alice"))
                .when(assign(SESSION, "bob", false))
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectExceptionMessage(containsString("belongs to someone else"))
                .expectNoEvents();
    }

    @Test
    void givenDesktopProvisionedForSomeoneElse_whenAssignedWithClaim_thenDesktopNotAvailable() {
        fixture.given(ownedReady("alice"))
                .when(assign(SESSION, "bob", true))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenDesktopClaimedBySomeoneElse_whenAssigned_thenDesktopNotAvailable() {
        fixture.given(ready(assigned(SESSION, "alice", true), new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(assign(OTHER_SESSION, "bob", false))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectExceptionMessage(containsString("belongs to someone else"))
                .expectNoEvents();
    }

    @Test
    void givenDesktopOwnedByUser_whenAssignedToOwner_thenAssignedWithoutClaiming() {
        fixture.given(ownedReady("alice"))
                .when(assign(SESSION, "alice", false))
                .expectEvents(assigned(SESSION, "alice", false));
    }

    @Test
    void givenDesktopOwnedByUser_whenAssignedToOwnerWithClaim_thenNotClaimedAgain() {
        fixture.given(ownedReady("alice"))
                .when(assign(SESSION, "alice", true))
                .expectEvents(assigned(SESSION, "alice", false));
    }

    @Test
    void givenDesktopClaimedAndReleasedByUser_whenSameUserAssignedAgain_thenAssigned() {
        fixture.given(ready(assigned(SESSION, "alice", true), new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(assign(OTHER_SESSION, "alice", true))
                .expectEvents(assigned(OTHER_SESSION, "alice", false));
    }

    // --- releasing ---

    @Test
    void givenAssignedFloatingDesktop_whenReleased_thenDesktopReleasedAndRecycled() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new DesktopReleasedEvent(DESKTOP, SESSION, "alice"),
                        new DesktopRecycledEvent(DESKTOP, "floating desktop released"));
    }

    @Test
    void givenAssignedPersistentDesktop_whenReleased_thenDesktopReleasedAndNotRecycled() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false)))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectEvents(new DesktopReleasedEvent(DESKTOP, SESSION, "alice"));
    }

    @Test
    void givenDesktopClaimedOnAssignment_whenReleased_thenDesktopReleasedAndNotRecycled() {
        fixture.given(ready(assigned(SESSION, "alice", true)))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectEvents(new DesktopReleasedEvent(DESKTOP, SESSION, "alice"));
    }

    @Test
    void givenReleasedPersistentDesktop_whenAssignedToOwner_thenAssignedBecauseItStayedReadyWithItsOwner() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false),
                        new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(assign(OTHER_SESSION, "alice", false))
                .expectEvents(assigned(OTHER_SESSION, "alice", false));
    }

    @Test
    void givenReleasedPersistentDesktop_whenAssignedToSomeoneElse_thenDesktopNotAvailable() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false),
                        new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(assign(OTHER_SESSION, "bob", true))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenAssignedDesktop_whenOtherSessionReleases_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(new ReleaseDesktopCommand(DESKTOP, OTHER_SESSION))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenAssignedDesktop_whenReleasedWithoutSession_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(new ReleaseDesktopCommand(DESKTOP, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenReleasedPersistentDesktop_whenReleasedAgain_thenNoEvents() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false),
                        new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenReleasedFloatingDesktop_whenReleasedAgain_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false), new DesktopReleasedEvent(DESKTOP, SESSION, "alice"),
                        new DesktopRecycledEvent(DESKTOP, "floating desktop released")))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectNoEvents();
    }

    @Test
    void givenReadyDesktop_whenReleased_thenNoEvents() {
        fixture.given(ready())
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectNoEvents();
    }

    @Test
    void givenAssignedDesktopThatWasLost_whenReleased_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false), LOST))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectNoEvents();
    }

    @Test
    void givenAssignedDesktopThatFailed_whenReleased_thenNoEvents() {
        fixture.given(ready(assigned(SESSION, "alice", false), new DesktopFailedEvent(DESKTOP, "ASSIGNED", "crash")))
                .when(new ReleaseDesktopCommand(DESKTOP, SESSION))
                .expectNoEvents();
    }

    // --- recycling ---

    @Test
    void givenReadyDesktop_whenRecycled_thenDesktopRecycled() {
        fixture.given(ready())
                .when(new RecycleDesktopCommand(DESKTOP, "rollout to v2"))
                .expectEvents(RECYCLED);
    }

    @Test
    void givenPoweredOffDesktop_whenRecycled_thenDesktopRecycled() {
        fixture.given(ownedReady("alice", POWERED_OFF))
                .when(new RecycleDesktopCommand(DESKTOP, "rollout to v2"))
                .expectEvents(RECYCLED);
    }

    @Test
    void givenFailedDesktop_whenRecycled_thenDesktopRecycled() {
        fixture.given(REQUESTED, FAILED)
                .when(new RecycleDesktopCommand(DESKTOP, "rollout to v2"))
                .expectEvents(RECYCLED);
    }

    @Test
    void givenAssignedDesktop_whenRecycled_thenRejectedAsInUse() {
        fixture.given(ready(assigned(SESSION, "alice", false)))
                .when(new RecycleDesktopCommand(DESKTOP, "host drained"))
                .expectException(rejectedWith(ErrorCode.DESKTOP_IN_USE))
                .expectNoEvents();
    }

    @Test
    void givenRecyclingDesktop_whenRecycledAgain_thenNoEvents() {
        fixture.given(ready(RECYCLED))
                .when(new RecycleDesktopCommand(DESKTOP, "again"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDestroyedDesktop_whenRecycled_thenNoEvents() {
        fixture.given(ready(RECYCLED, DESTROYED))
                .when(new RecycleDesktopCommand(DESKTOP, "again"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    // --- destroying ---

    static Stream<Arguments> desktopsAwaitingTeardown() {
        return Stream.of(
                Arguments.of("recycling", ready(RECYCLED)),
                Arguments.of("failed", new Object[] {REQUESTED, CLONED, FAILED}),
                Arguments.of("lost", ready(LOST)));
    }

    @ParameterizedTest(name = "given {0} desktop")
    @MethodSource("desktopsAwaitingTeardown")
    void givenDesktopAwaitingTeardown_whenDestroyed_thenDesktopDestroyed(String state, Object[] history) {
        fixture.given(history)
                .when(new RecordDesktopDestroyedCommand(DESKTOP))
                .expectEvents(DESTROYED);
    }

    @Test
    void givenDestroyedDesktop_whenDestroyedAgain_thenNoEvents() {
        fixture.given(ready(RECYCLED, DESTROYED))
                .when(new RecordDesktopDestroyedCommand(DESKTOP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    // --- losing ---

    static Stream<Arguments> desktopsThatMustRun() {
        return Stream.of(
                Arguments.of("ready", ready()),
                Arguments.of("assigned", ready(assigned(SESSION, "alice", false))),
                Arguments.of("started", new Object[] {REQUESTED, CLONED, DEFINED, STARTED}),
                Arguments.of("powered off", ownedReady("alice", POWERED_OFF)));
    }

    @ParameterizedTest(name = "given {0} desktop")
    @MethodSource("desktopsThatMustRun")
    void givenLiveDesktop_whenLost_thenDesktopLost(String state, Object[] history) {
        fixture.given(history)
                .when(new RecordDesktopLostCommand(DESKTOP, "its VM is gone from the host"))
                .expectEvents(LOST);
    }

    static Stream<Arguments> desktopsAlreadyGoingOrGone() {
        return Stream.of(
                Arguments.of("lost", ready(LOST)),
                Arguments.of("recycling", ready(RECYCLED)),
                Arguments.of("failed", new Object[] {REQUESTED, FAILED}),
                Arguments.of("destroyed", ready(RECYCLED, DESTROYED)));
    }

    @ParameterizedTest(name = "given {0} desktop")
    @MethodSource("desktopsAlreadyGoingOrGone")
    void givenDesktopAlreadyGoingOrGone_whenLost_thenNoEvents(String state, Object[] history) {
        fixture.given(history)
                .when(new RecordDesktopLostCommand(DESKTOP, "its VM is gone from the host"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    // --- suspending and resuming ---

    private static Object[] releasedOwned(Object... more) {
        List<Object> start = new ArrayList<>(Arrays.asList(ownedReady("alice", assigned(SESSION, "alice", false),
                new DesktopReleasedEvent(DESKTOP, SESSION, "alice"))));
        start.addAll(Arrays.asList(more));
        return start.toArray();
    }

    @Test
    void givenPersistentDesktopNobodyUses_whenSuspended_thenSuspendRequestedWithItsReason() {
        fixture.given(releasedOwned())
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectEvents(SUSPENDING);
    }

    @Test
    void givenSuspendingDesktop_whenSuspendedAgain_thenNoEvents() {
        fixture.given(releasedOwned(SUSPENDING))
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenSuspendedDesktop_whenSuspendedAgain_thenNoEvents() {
        fixture.given(releasedOwned(SUSPENDING, SUSPENDED))
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPersistentDesktopInUse_whenSuspended_thenNoEvents() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false)))
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenFloatingSpare_whenSuspended_thenNoEvents() {
        fixture.given(ready())
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPoweredOffDesktop_whenSuspended_thenNoEvents() {
        fixture.given(releasedOwned(POWERED_OFF))
                .when(new SuspendDesktopCommand(DESKTOP, DISCONNECTED))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenSuspendingDesktop_whenRecordedSuspended_thenDesktopSuspended() {
        fixture.given(releasedOwned(SUSPENDING))
                .when(new RecordDesktopSuspendedCommand(DESKTOP, true, 900))
                .expectEvents(SUSPENDED);
    }

    @Test
    void givenSuspendedDesktop_whenRecordedSuspendedAgain_thenNoEvents() {
        fixture.given(releasedOwned(SUSPENDING, SUSPENDED))
                .when(new RecordDesktopSuspendedCommand(DESKTOP, true, 5))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDesktopAskedForAgainWhileSuspending_whenRecordedSuspended_thenNoEvents() {
        fixture.given(releasedOwned(SUSPENDING, POWER_ON_REQUESTED))
                .when(new RecordDesktopSuspendedCommand(DESKTOP, true, 900))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenSuspendedDesktop_whenPowerOnRequested_thenPowerOnRequested() {
        fixture.given(releasedOwned(SUSPENDING, SUSPENDED))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectEvents(POWER_ON_REQUESTED);
    }

    @Test
    void givenSuspendingDesktop_whenPowerOnRequested_thenPowerOnRequested() {
        fixture.given(releasedOwned(SUSPENDING))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectEvents(POWER_ON_REQUESTED);
    }

    @Test
    void givenSuspendedDesktop_whenAssigned_thenRejectedAsNotAvailable() {
        fixture.given(releasedOwned(SUSPENDING, SUSPENDED))
                .when(new AssignDesktopCommand(DESKTOP, OTHER_SESSION, "alice", false))
                .expectException(BrokerException.class);
    }

    @Test
    void givenSuspendedDesktop_whenRecomposed_thenRecompositionStarted() {
        UUID rollout = UUID.randomUUID();
        fixture.given(releasedOwned(SUSPENDING, SUSPENDED))
                .when(new RecomposeDesktopCommand(DESKTOP, 3, rollout))
                .expectEvents(new DesktopRecompositionStartedEvent(DESKTOP, 2, 3, rollout));
    }

    @Test
    void givenPersistentDesktopNobodyUses_whenPoweredOffForAReason_thenPoweredOffWithIt() {
        fixture.given(releasedOwned())
                .when(new RecordDesktopPoweredOffCommand(DESKTOP, DISCONNECTED))
                .expectEvents(new DesktopPoweredOffEvent(DESKTOP, DISCONNECTED));
    }

    // --- powering off and on ---

    @Test
    void givenReadyPersistentDesktop_whenPoweredOff_thenDesktopPoweredOff() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false),
                        new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(new RecordDesktopPoweredOffCommand(DESKTOP))
                .expectEvents(POWERED_OFF);
    }

    @Test
    void givenReadyDesktopClaimedOnAssignment_whenPoweredOff_thenDesktopPoweredOff() {
        fixture.given(ready(assigned(SESSION, "alice", true), new DesktopReleasedEvent(DESKTOP, SESSION, "alice")))
                .when(new RecordDesktopPoweredOffCommand(DESKTOP))
                .expectEvents(POWERED_OFF);
    }

    @Test
    void givenReadyFloatingDesktop_whenPoweredOff_thenNoEvents() {
        fixture.given(ready())
                .when(new RecordDesktopPoweredOffCommand(DESKTOP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenAssignedPersistentDesktop_whenPoweredOff_thenNoEvents() {
        fixture.given(ownedReady("alice", assigned(SESSION, "alice", false)))
                .when(new RecordDesktopPoweredOffCommand(DESKTOP))
                .expectNoEvents();
    }

    @Test
    void givenPoweredOffDesktop_whenPoweredOffAgain_thenNoEvents() {
        fixture.given(ownedReady("alice", POWERED_OFF))
                .when(new RecordDesktopPoweredOffCommand(DESKTOP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPoweredOffDesktop_whenPowerOnRequested_thenDesktopPowerOnRequested() {
        fixture.given(ownedReady("alice", POWERED_OFF))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectEvents(POWER_ON_REQUESTED);
    }

    @Test
    void givenPowerOnRequested_whenPowerOnRequestedAgain_thenNoEvents() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPoweringOnDesktop_whenItFails_thenPowerOnFailedAndItStaysWithItsDisk() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED))
                .when(new FailDesktopCommand(DESKTOP, "DEFINED", "the display did not answer"))
                .expectEvents(new DesktopPowerOnFailedEvent(DESKTOP, "DEFINED", "the display did not answer"));
    }

    @Test
    void givenPowerOnFailed_whenPowerOnRequestedAgain_thenDesktopPowerOnRequested() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED,
                        new DesktopPowerOnFailedEvent(DESKTOP, "DEFINED", "the display did not answer")))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectEvents(POWER_ON_REQUESTED);
    }

    @Test
    void givenPowerOnFailed_whenAssigned_thenRejectedAsNotAvailable() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED,
                        new DesktopPowerOnFailedEvent(DESKTOP, "DEFINED", "the display did not answer")))
                .when(assign(SESSION, "alice", false))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenDesktopPoweredOnAgainAndReady_whenItFailsLater_thenDesktopFailed() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED, STARTED, READY))
                .when(new FailDesktopCommand(DESKTOP, "READY", "gone"))
                .expectEvents(new DesktopFailedEvent(DESKTOP, "READY", "gone"));
    }

    @Test
    void givenReadyDesktop_whenPowerOnRequested_thenNoEvents() {
        fixture.given(ownedReady("alice"))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectNoEvents();
    }

    @Test
    void givenPowerOnRequested_whenStarted_thenDesktopStartedAgain() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED))
                .when(new RecordDesktopStartedCommand(DESKTOP, 700))
                .expectEvents(new DesktopStartedEvent(DESKTOP, 700));
    }

    @Test
    void givenPowerOnRequested_whenDomainDefined_thenNoEventsBecauseTheDomainIsKept() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED))
                .when(new RecordDomainDefinedCommand(DESKTOP, 1))
                .expectNoEvents();
    }

    @Test
    void givenPoweredOnDesktopStarted_whenDisplayAnswers_thenDesktopBecameReadyAgain() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED, new DesktopStartedEvent(DESKTOP, 700)))
                .when(new RecordDesktopReadyCommand(DESKTOP, "10.0.0.1", 5903, 9000))
                .expectEvents(new DesktopBecameReadyEvent(DESKTOP, "10.0.0.1", 5903, 9000));
    }

    @Test
    void givenPoweredOnDesktopReadyAgain_whenAssignedToOwner_thenDesktopAssigned() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED, STARTED, READY))
                .when(assign(SESSION, "alice", false))
                .expectEvents(assigned(SESSION, "alice", false));
    }

    @Test
    void givenPoweredOnDesktopReadyAgain_whenSomeoneElseAssigned_thenDesktopNotAvailable() {
        fixture.given(ownedReady("alice", POWERED_OFF, POWER_ON_REQUESTED, STARTED, READY))
                .when(assign(SESSION, "bob", true))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    // --- the user disk of a persistent desktop ---

    @Test
    void givenClonedPersistentDesktop_whenUserDiskCreatedRecorded_thenUserDiskCreatedWithItsSize() {
        fixture.given(requested("alice"), CLONED)
                .when(new RecordUserDiskCreatedCommand(DESKTOP, 8, 40))
                .expectEvents(USER_DISK);
    }

    @Test
    void givenUserDiskRecorded_whenRecordedAgain_thenNoEvent() {
        fixture.given(requested("alice"), CLONED, USER_DISK)
                .when(new RecordUserDiskCreatedCommand(DESKTOP, 8, 41))
                .expectNoEvents();
    }

    @Test
    void givenUserDiskOfAPoweredOffDesktop_whenPoweredOnAndRecordedAgain_thenNoSecondUserDisk() {
        fixture.given(requested("alice"), CLONED, USER_DISK, DEFINED, STARTED, READY, POWERED_OFF, POWER_ON_REQUESTED)
                .when(new RecordUserDiskCreatedCommand(DESKTOP, 8, 41))
                .expectNoEvents();
    }

    @Test
    void givenDestroyedDesktop_whenUserDiskCreatedRecorded_thenNoEvent() {
        fixture.given(requested("alice"), CLONED, FAILED, DESTROYED)
                .when(new RecordUserDiskCreatedCommand(DESKTOP, 8, 40))
                .expectNoEvents();
    }

    // --- guest-agent readiness ---

    @Test
    void givenStartedDesktop_whenGuestAgentAnsweredRecorded_thenAgentAnsweredThenReady() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new RecordGuestAgentAnsweredCommand(DESKTOP, 2500))
                .expectEvents(AGENT_ANSWERED);
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, AGENT_ANSWERED)
                .when(new RecordDesktopReadyCommand(DESKTOP, "10.0.0.1", 5901, 15000))
                .expectEvents(READY);
    }

    @Test
    void givenAgentAnsweredSinceTheStart_whenRecordedAgain_thenNoEvent() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, AGENT_ANSWERED)
                .when(new RecordGuestAgentAnsweredCommand(DESKTOP, 2600))
                .expectNoEvents();
    }

    @Test
    void givenDesktopNotStarted_whenGuestAgentAnsweredRecorded_thenNoEvent() {
        fixture.given(REQUESTED, CLONED, DEFINED)
                .when(new RecordGuestAgentAnsweredCommand(DESKTOP, 2500))
                .expectNoEvents();
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, AGENT_ANSWERED, READY)
                .when(new RecordGuestAgentAnsweredCommand(DESKTOP, 2500))
                .expectNoEvents();
    }

    @Test
    void givenPersistentDesktopPoweredOnAgain_whenStartedAndAgentAnswers_thenTheAgentIsRecordedForThisStartToo() {
        fixture.given(requested("alice"), CLONED, USER_DISK, DEFINED, STARTED, AGENT_ANSWERED, READY, POWERED_OFF,
                        POWER_ON_REQUESTED, STARTED)
                .when(new RecordGuestAgentAnsweredCommand(DESKTOP, 2400))
                .expectEvents(new DesktopGuestAgentAnsweredEvent(DESKTOP, 2400));
    }

    @Test
    void givenAgentTimedOut_whenFailed_thenFailedWithTheReason() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED)
                .when(new FailDesktopCommand(DESKTOP, "STARTED", "The guest agent did not answer within PT2M"))
                .expectEvents(new DesktopFailedEvent(DESKTOP, "STARTED", "The guest agent did not answer within PT2M"));
    }

    // --- destroyed for a pool's deletion, which may keep the users' disks ---

    @Test
    void givenOwnedDesktopWithUserDisk_whenRecycledKeepingUserDisks_thenRecycledWithItsUserDiskKept() {
        fixture.given(requested("alice"), CLONED, USER_DISK, DEFINED, STARTED, READY, POWERED_OFF)
                .when(new RecycleDesktopCommand(DESKTOP, "pool deleted", org.openvdi.broker.hypervisor.UserDiskFate.KEEP))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "pool deleted", true));
    }

    @Test
    void givenOwnedDesktopWithUserDisk_whenRecycledDeletingUserDisks_thenRecycledWithItsUserDisk() {
        fixture.given(requested("alice"), CLONED, USER_DISK, DEFINED, STARTED, READY)
                .when(new RecycleDesktopCommand(DESKTOP, "pool deleted", org.openvdi.broker.hypervisor.UserDiskFate.DELETE))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "pool deleted", false));
    }

    @Test
    void givenUnownedSpareWithUserDisk_whenRecycledKeepingUserDisks_thenItsEmptyUserDiskGoesAnyway() {
        fixture.given(requested(null), CLONED, USER_DISK, DEFINED, STARTED, READY)
                .when(new RecycleDesktopCommand(DESKTOP, "pool deleted", org.openvdi.broker.hypervisor.UserDiskFate.KEEP))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "pool deleted", false));
    }
}
