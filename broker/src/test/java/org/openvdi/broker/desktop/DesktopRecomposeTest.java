package org.openvdi.broker.desktop;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.*;
import org.openvdi.broker.error.ErrorCode;

/** Given/when/then for recomposing a desktop onto another template version (a rollout's move of an owned desktop). */
class DesktopRecomposeTest {

    static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    static final UUID ROLLOUT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    static final Object[] READY = {new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice"),
            new DesktopVolumeClonedEvent(DESKTOP, 1), new DesktopDomainDefinedEvent(DESKTOP, 1),
            new DesktopStartedEvent(DESKTOP, 1), new DesktopBecameReadyEvent(DESKTOP, "127.0.0.1", 5900, 1)};
    static final DesktopRecompositionStartedEvent RECOMPOSING = new DesktopRecompositionStartedEvent(DESKTOP, 1, 2, ROLLOUT);

    private FixtureConfiguration<Desktop> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Desktop.class);
    }

    @Test
    void givenReadyOwnedDesktop_whenRecomposed_thenItsRecompositionStartsKeepingItsId() {
        fixture.given(READY).when(new RecomposeDesktopCommand(DESKTOP, 2, ROLLOUT)).expectEvents(RECOMPOSING);
    }

    @Test
    void givenPoweredOffDesktop_whenRecomposed_thenItsRecompositionStarts() {
        fixture.given(READY).andGiven(new DesktopPoweredOffEvent(DESKTOP))
                .when(new RecomposeDesktopCommand(DESKTOP, 2, ROLLOUT)).expectEvents(RECOMPOSING);
    }

    @Test
    void givenDesktopInUse_whenRecomposed_thenRefused() {
        fixture.given(READY).andGiven(new DesktopAssignedEvent(DESKTOP, UUID.randomUUID(), "alice", false))
                .when(new RecomposeDesktopCommand(DESKTOP, 2, ROLLOUT))
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE)).expectNoEvents();
    }

    @Test
    void givenRecomposing_whenAskedAgainOrOnItsOwnVersion_thenNothingHappens() {
        fixture.given(READY).andGiven(RECOMPOSING).when(new RecomposeDesktopCommand(DESKTOP, 2, ROLLOUT)).expectNoEvents();
        fixture.given(READY).when(new RecomposeDesktopCommand(DESKTOP, 1, ROLLOUT)).expectNoEvents();
    }

    @Test
    void givenRecomposing_whenItsOldBuildIsGone_thenRecomposedOnTheNewVersionAndProvisionedAgain() {
        fixture.given(READY).andGiven(RECOMPOSING).when(new RecordDesktopRecomposedCommand(DESKTOP))
                .expectEvents(new DesktopRecomposedEvent(DESKTOP, 2));
        fixture.given(READY).andGiven(RECOMPOSING, new DesktopRecomposedEvent(DESKTOP, 2))
                .when(new RecordVolumeClonedCommand(DESKTOP, 5)).expectEvents(new DesktopVolumeClonedEvent(DESKTOP, 5));
    }
}
