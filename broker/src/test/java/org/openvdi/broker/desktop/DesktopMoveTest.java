package org.openvdi.broker.desktop;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.*;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.hypervisor.VolumeCopy;

/** A persistent desktop's move to another host: when it may move, its recorded steps, and what it refuses meanwhile. */
class DesktopMoveTest {

    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d7");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000b7");
    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a7");
    private static final UUID OTHER_HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a8");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000c7");
    private static final String REASON = "host drained";

    private static final Object[] READY_OF_ALICE = {
            new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice"),
            new DesktopVolumeClonedEvent(DESKTOP, 10), new DesktopDomainDefinedEvent(DESKTOP, 10),
            new DesktopStartedEvent(DESKTOP, 10), new DesktopBecameReadyEvent(DESKTOP, "127.0.0.1", 5900, 10)};
    private static final DesktopPoweredOffEvent POWERED_OFF = new DesktopPoweredOffEvent(DESKTOP, "session ended");
    private static final DesktopMoveRequestedEvent MOVE_REQUESTED = new DesktopMoveRequestedEvent(DESKTOP, HOST, OTHER_HOST, REASON);
    private static final DesktopMoveStartedEvent MOVE_STARTED = new DesktopMoveStartedEvent(DESKTOP, OTHER_HOST);
    private static final List<VolumeCopy> VERIFIED = List.of(
            new VolumeCopy("vdi-" + DESKTOP + ".qcow2", 196_624, "aa", "aa"),
            new VolumeCopy("vdi-" + DESKTOP + "-user.qcow2", 262_144, "bb", "bb"));
    private static final DesktopMoveCopiedEvent COPIED = new DesktopMoveCopiedEvent(DESKTOP, OTHER_HOST, VERIFIED, 40);

    private FixtureConfiguration<Desktop> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Desktop.class);
    }

    private Object[] poweredOff() {
        Object[] history = java.util.Arrays.copyOf(READY_OF_ALICE, READY_OF_ALICE.length + 1);
        history[READY_OF_ALICE.length] = POWERED_OFF;
        return history;
    }

    private Object[] poweredOffAnd(Object... more) {
        Object[] base = poweredOff();
        Object[] history = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, history, base.length, more.length);
        return history;
    }

    @Test
    void givenPoweredOffPersistentDesktop_whenMoveRequested_thenMoveRequestedFromItsHostToTheNewOne() {
        fixture.given(poweredOff())
                .when(new RequestDesktopMoveCommand(DESKTOP, OTHER_HOST, REASON))
                .expectEvents(MOVE_REQUESTED);
    }

    @Test
    void givenMovingDesktop_whenTheSameMoveIsRequestedAgain_thenNoEvents() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RequestDesktopMoveCommand(DESKTOP, OTHER_HOST, REASON))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenMovingDesktop_whenAMoveToAThirdHostIsRequested_thenRejected() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RequestDesktopMoveCommand(DESKTOP, UUID.randomUUID(), REASON))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenRunningPersistentDesktop_whenMoveRequested_thenRejectedUntilItsNextPowerOff() {
        fixture.given(READY_OF_ALICE)
                .when(new RequestDesktopMoveCommand(DESKTOP, OTHER_HOST, REASON))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenReadyFloatingDesktop_whenMoveRequested_thenRejected() {
        fixture.given(new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, null),
                        new DesktopBecameReadyEvent(DESKTOP, "127.0.0.1", 5900, 10))
                .when(new RequestDesktopMoveCommand(DESKTOP, OTHER_HOST, REASON))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenPoweredOffDesktop_whenMoveToItsOwnHostRequested_thenRejected() {
        fixture.given(poweredOff())
                .when(new RequestDesktopMoveCommand(DESKTOP, HOST, REASON))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectNoEvents();
    }

    @Test
    void givenMoveRequested_whenStarted_thenMoveStarted() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RecordDesktopMoveStartedCommand(DESKTOP))
                .expectEvents(MOVE_STARTED);
    }

    @Test
    void givenMoveStarted_whenStartedAgain_thenNoEvents() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED))
                .when(new RecordDesktopMoveStartedCommand(DESKTOP))
                .expectNoEvents();
    }

    @Test
    void givenMoveStarted_whenVerifiedCopyRecorded_thenMoveCopiedWithTheChecksums() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED))
                .when(new RecordDesktopMoveCopiedCommand(DESKTOP, VERIFIED, 40))
                .expectEvents(COPIED);
    }

    @Test
    void givenMoveStarted_whenACopyWithDifferentChecksumsIsRecorded_thenRejected() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED))
                .when(new RecordDesktopMoveCopiedCommand(DESKTOP,
                        List.of(new VolumeCopy("vdi-" + DESKTOP + "-user.qcow2", 10, "aa", "ab")), 40))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectNoEvents();
    }

    @Test
    void givenCopied_whenCopyRecordedAgain_thenNoEvents() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED, COPIED))
                .when(new RecordDesktopMoveCopiedCommand(DESKTOP, VERIFIED, 40))
                .expectNoEvents();
    }

    @Test
    void givenMoveNotCopiedYet_whenMovedRecorded_thenRejected() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED))
                .when(new RecordDesktopMovedCommand(DESKTOP, 10))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectNoEvents();
    }

    @Test
    void givenCopied_whenMovedRecorded_thenMoveFinishedOnTheNewHost() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED, COPIED))
                .when(new RecordDesktopMovedCommand(DESKTOP, 10))
                .expectEvents(new DesktopMoveFinishedEvent(DESKTOP, HOST, OTHER_HOST, 10));
    }

    @Test
    void givenMovedDesktop_whenMovedBackRequested_thenMoveRequestedFromItsNewHost() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED, COPIED, new DesktopMoveFinishedEvent(DESKTOP, HOST, OTHER_HOST, 10)))
                .when(new RequestDesktopMoveCommand(DESKTOP, HOST, "back"))
                .expectEvents(new DesktopMoveRequestedEvent(DESKTOP, OTHER_HOST, HOST, "back"));
    }

    @Test
    void givenMovedDesktop_whenMovedRecordedAgain_thenNoEvents() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED, COPIED, new DesktopMoveFinishedEvent(DESKTOP, HOST, OTHER_HOST, 10)))
                .when(new RecordDesktopMovedCommand(DESKTOP, 10))
                .expectNoEvents();
    }

    @Test
    void givenMovingDesktop_whenMoveFails_thenMoveFailedWithTheReasonAndItIsPoweredOffWhereItWas() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, MOVE_STARTED))
                .when(new FailDesktopMoveCommand(DESKTOP, "no space left on the new host"))
                .expectEvents(new DesktopMoveFailedEvent(DESKTOP, HOST, OTHER_HOST, "no space left on the new host"));
    }

    @Test
    void givenFailedMove_whenPowerOnRequested_thenItPowersOnOnItsHost() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED, new DesktopMoveFailedEvent(DESKTOP, HOST, OTHER_HOST, "x")))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectEvents(new DesktopPowerOnRequestedEvent(DESKTOP));
    }

    @Test
    void givenPoweredOffDesktop_whenMoveFails_thenNoEvents() {
        fixture.given(poweredOff())
                .when(new FailDesktopMoveCommand(DESKTOP, "late"))
                .expectNoEvents();
    }

    @Test
    void givenMovingDesktop_whenPowerOnRequested_thenNoEventsUntilItHasArrived() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RequestDesktopPowerOnCommand(DESKTOP))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenMovingDesktop_whenRecycled_thenRejectedAsInUse() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RecycleDesktopCommand(DESKTOP, "pool deleted"))
                .expectException(rejectedWith(ErrorCode.DESKTOP_IN_USE))
                .expectNoEvents();
    }

    @Test
    void givenMovingDesktop_whenRecomposed_thenRejected() {
        fixture.given(poweredOffAnd(MOVE_REQUESTED))
                .when(new RecomposeDesktopCommand(DESKTOP, 2, UUID.randomUUID()))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE))
                .expectNoEvents();
    }
}
