package org.openvdi.broker.desktop;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.AdminPowerOffDesktopCommand;
import org.openvdi.broker.desktop.api.AdminPowerOnDesktopCommand;
import org.openvdi.broker.desktop.api.AdminRecycleDesktopCommand;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopDomainDefinedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.desktop.api.DesktopStartedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendedEvent;
import org.openvdi.broker.desktop.api.DesktopSuspendRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.error.ErrorCode;

/** An admin's recycle, power-off and power-on of a desktop, decided by the aggregate; each records who asked. */
class DesktopAdminActionsTest {

    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final String ADMIN = "admin";

    private static final DesktopVolumeClonedEvent CLONED = new DesktopVolumeClonedEvent(DESKTOP, 1200);
    private static final DesktopDomainDefinedEvent DEFINED = new DesktopDomainDefinedEvent(DESKTOP, 30);
    private static final DesktopStartedEvent STARTED = new DesktopStartedEvent(DESKTOP, 800);
    private static final DesktopBecameReadyEvent READY = new DesktopBecameReadyEvent(DESKTOP, "10.0.0.1", 5901, 15000);
    private static final DesktopAssignedEvent ASSIGNED = new DesktopAssignedEvent(DESKTOP, SESSION, "alice", false);
    private static final DesktopReleasedEvent RELEASED = new DesktopReleasedEvent(DESKTOP, SESSION, "alice");
    private static final DesktopPoweredOffEvent POWERED_OFF = new DesktopPoweredOffEvent(DESKTOP, "session ended");
    private static final DesktopRecycledEvent RECYCLED = new DesktopRecycledEvent(DESKTOP, "rollout to v2");
    private static final DesktopFailedEvent FAILED = new DesktopFailedEvent(DESKTOP, "STARTED", "display did not answer");
    private static final DesktopDestroyedEvent DESTROYED = new DesktopDestroyedEvent(DESKTOP);

    private FixtureConfiguration<Desktop> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Desktop.class);
    }

    private static Object[] floating(Object... more) {
        return history(new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, null), more);
    }

    private static Object[] owned(Object... more) {
        return history(new DesktopProvisioningRequestedEvent(DESKTOP, POOL, HOST, TEMPLATE, 1, "alice"), more);
    }

    private static Object[] history(Object first, Object... more) {
        List<Object> events = new ArrayList<>(List.of(first));
        events.addAll(Arrays.asList(more));
        return events.toArray();
    }

    // --- recycle ---

    @Test
    void givenReadyFloatingDesktop_whenAdminRecycles_thenRecycledByTheAdmin() {
        fixture.given(floating(CLONED, DEFINED, STARTED, READY))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, false))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "recycled by admin", false, ADMIN));
    }

    @Test
    void givenProvisioningDesktop_whenAdminRecycles_thenRecycled() {
        fixture.given(floating(CLONED))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, false))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "recycled by admin", false, ADMIN));
    }

    @Test
    void givenDesktopInUse_whenAdminRecycles_thenRefusedNamingTheSessionAndItsUser() {
        fixture.given(floating(CLONED, DEFINED, STARTED, READY, ASSIGNED))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, true))
                .expectException(rejectedWith(ErrorCode.DESKTOP_IN_USE))
                .expectExceptionMessage(allOf(containsString(SESSION.toString()), containsString("alice")))
                .expectNoEvents();
    }

    @Test
    void givenPersistentDesktop_whenAdminRecyclesWithoutForce_thenRefusedAsItsUserDiskWouldGo() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, POWERED_OFF))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, false))
                .expectException(rejectedWith(ErrorCode.DESKTOP_PERSISTENT))
                .expectExceptionMessage(containsString("force=true"))
                .expectNoEvents();
    }

    @Test
    void givenPersistentDesktop_whenAdminRecyclesWithForce_thenRecycledWithItsUserDisk() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, POWERED_OFF))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, true))
                .expectEvents(new DesktopRecycledEvent(DESKTOP, "recycled by admin", false, ADMIN));
    }

    @Test
    void givenDesktopRecyclingFailedOrDestroyed_whenAdminRecyclesAgain_thenNoEvents() {
        for (Object last : List.of(RECYCLED, FAILED)) {
            fixture.given(floating(CLONED, DEFINED, STARTED, READY, last))
                    .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, false))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
        }
        fixture.given(floating(CLONED, DEFINED, STARTED, READY, RECYCLED, DESTROYED))
                .when(new AdminRecycleDesktopCommand(DESKTOP, ADMIN, false))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    // --- power off ---

    @Test
    void givenReadyPersistentDesktopNobodyUses_whenAdminPowersItOff_thenPoweredOffByTheAdmin() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, ASSIGNED, RELEASED))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectEvents(new DesktopPoweredOffEvent(DESKTOP, "powered off by admin", ADMIN));
    }

    @Test
    void givenRestingDesktop_whenAdminPowersItOff_thenNoEvents() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, POWERED_OFF))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, new DesktopSuspendRequestedEvent(DESKTOP, "idle"),
                        new DesktopSuspendedEvent(DESKTOP, true, 900)))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenPersistentDesktopInUse_whenAdminPowersItOff_thenRefusedNamingTheSession() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, ASSIGNED))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectException(rejectedWith(ErrorCode.DESKTOP_IN_USE))
                .expectExceptionMessage(containsString(SESSION.toString()))
                .expectNoEvents();
    }

    @Test
    void givenFloatingSpare_whenAdminPowersItOff_thenRefusedAsOnlyPersistentDesktopsPowerOff() {
        fixture.given(floating(CLONED, DEFINED, STARTED, READY))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectExceptionMessage(containsString("recycle"))
                .expectNoEvents();
    }

    @Test
    void givenProvisioningOrRecyclingDesktop_whenAdminPowersItOff_thenIllegalState() {
        fixture.given(owned(CLONED))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, RECYCLED))
                .when(new AdminPowerOffDesktopCommand(DESKTOP, ADMIN))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
    }

    // --- power on ---

    @Test
    void givenPoweredOffDesktop_whenAdminPowersItOn_thenPowerOnRequestedByTheAdmin() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, POWERED_OFF))
                .when(new AdminPowerOnDesktopCommand(DESKTOP, ADMIN))
                .expectEvents(new DesktopPowerOnRequestedEvent(DESKTOP, ADMIN));
    }

    @Test
    void givenSuspendedDesktop_whenAdminPowersItOn_thenPowerOnRequested() {
        fixture.given(owned(CLONED, DEFINED, STARTED, READY, new DesktopSuspendRequestedEvent(DESKTOP, "idle"),
                        new DesktopSuspendedEvent(DESKTOP, true, 900)))
                .when(new AdminPowerOnDesktopCommand(DESKTOP, ADMIN))
                .expectEvents(new DesktopPowerOnRequestedEvent(DESKTOP, ADMIN));
    }

    @Test
    void givenDesktopOnOrPoweringOn_whenAdminPowersItOn_thenNoEvents() {
        for (Object[] history : List.of(owned(CLONED, DEFINED, STARTED, READY), owned(CLONED, DEFINED, STARTED, READY, ASSIGNED),
                owned(CLONED, DEFINED, STARTED, READY, POWERED_OFF, new DesktopPowerOnRequestedEvent(DESKTOP, ADMIN)))) {
            fixture.given(history)
                    .when(new AdminPowerOnDesktopCommand(DESKTOP, ADMIN))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
        }
    }

    @Test
    void givenDesktopBeingDestroyedOrFailed_whenAdminPowersItOn_thenIllegalState() {
        for (Object last : List.of(RECYCLED, FAILED)) {
            fixture.given(owned(CLONED, DEFINED, STARTED, READY, last))
                    .when(new AdminPowerOnDesktopCommand(DESKTOP, ADMIN))
                    .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
        }
    }
}
