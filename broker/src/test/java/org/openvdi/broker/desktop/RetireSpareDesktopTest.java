package org.openvdi.broker.desktop;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopDomainDefinedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.DesktopStartedEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.desktop.api.RetireSpareDesktopCommand;
import org.openvdi.broker.error.ErrorCode;

/** Scale-in removes a desktop only while it is a spare: READY, unowned, unassigned; repeats are no-ops. */
class RetireSpareDesktopTest {

    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");

    private static final DesktopProvisioningRequestedEvent REQUESTED =
            new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, null);
    private static final DesktopVolumeClonedEvent CLONED = new DesktopVolumeClonedEvent(DESKTOP, 1200);
    private static final DesktopDomainDefinedEvent DEFINED = new DesktopDomainDefinedEvent(DESKTOP, 30);
    private static final DesktopStartedEvent STARTED = new DesktopStartedEvent(DESKTOP, 800);
    private static final DesktopBecameReadyEvent READY = new DesktopBecameReadyEvent(DESKTOP, "10.0.0.1", 5901, 15000);
    private static final DesktopAssignedEvent ASSIGNED = new DesktopAssignedEvent(DESKTOP, SESSION, "alice", false);
    private static final String REASON = "surplus spare (pool target 1)";
    private static final RetireSpareDesktopCommand RETIRE = new RetireSpareDesktopCommand(DESKTOP, REASON);

    private FixtureConfiguration<Desktop> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Desktop.class);
    }

    @Test
    void givenReadyUnownedSpare_whenRetired_thenRecycledWithTheReason() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, READY)
                .when(RETIRE)
                .expectEvents(new DesktopRecycledEvent(DESKTOP, REASON));
    }

    @Test
    void givenDesktopInUse_whenRetired_thenRefusedAndNothingHappens() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, READY, ASSIGNED)
                .when(RETIRE)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE));
    }

    @Test
    void givenDesktopOwnedByAUser_whenRetired_thenRefused() {
        fixture.given(new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice"), CLONED, DEFINED,
                        STARTED, READY)
                .when(RETIRE)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE));
    }

    @Test
    void givenPersistentDesktopClaimedAndReleased_whenRetired_thenRefused() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, READY, new DesktopAssignedEvent(DESKTOP, SESSION, "alice", true),
                        new DesktopReleasedEvent(DESKTOP, SESSION, "alice"))
                .when(RETIRE)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE));
    }

    @Test
    void givenDesktopStillProvisioning_whenRetired_thenRefused() {
        fixture.given(REQUESTED, CLONED)
                .when(RETIRE)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.DESKTOP_NOT_AVAILABLE));
    }

    @Test
    void givenSpareRetiredAlready_whenRetiredAgain_thenNothingHappens() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, READY, new DesktopRecycledEvent(DESKTOP, REASON))
                .when(RETIRE)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDestroyedDesktop_whenRetired_thenNothingHappens() {
        fixture.given(REQUESTED, CLONED, DEFINED, STARTED, READY, new DesktopRecycledEvent(DESKTOP, REASON),
                        new DesktopDestroyedEvent(DESKTOP))
                .when(RETIRE)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
