package org.openvdi.broker.host;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.CordonHostCommand;
import org.openvdi.broker.host.api.HostAccelerationProbeRequestedEvent;
import org.openvdi.broker.host.api.HostAccelerationProbedEvent;
import org.openvdi.broker.host.api.HostCameBackEvent;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDriftDetectedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostUncordonedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordAccelerationProbeCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.host.api.RequestAccelerationProbeCommand;
import org.openvdi.broker.host.api.UncordonHostCommand;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.VirtType;

class HostTest {

    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");

    private static final HostRegisteredEvent REGISTERED = new HostRegisteredEvent(HOST, "kvm-1", "qemu+ssh://kvm-1/system",
            VirtType.KVM, 20, "openvdi", "10.0.0.1", "admin");
    private static final HostCordonedEvent CORDONED = new HostCordonedEvent(HOST, "maintenance", "admin");
    private static final HostUncordonedEvent UNCORDONED = new HostUncordonedEvent(HOST, "admin");
    private static final HostWentDownEvent WENT_DOWN = new HostWentDownEvent(HOST, "connection refused");
    private static final HostCameBackEvent CAME_BACK = new HostCameBackEvent(HOST);
    private static final HostRegisteredEvent REGISTERED_AUTO = new HostRegisteredEvent(HOST, "kvm-1",
            "qemu+ssh://kvm-1/system", VirtType.AUTO, 20, "openvdi", "10.0.0.1", "admin");
    private static final String SLOW_KVM = "a kvm guest had not run its firmware after 3000 ms; software emulation took 300 ms";
    private static final HostAccelerationProbedEvent PROBED_QEMU = new HostAccelerationProbedEvent(HOST,
            EffectiveVirtType.QEMU, SLOW_KVM, 3900);
    private static final HostAccelerationProbeRequestedEvent PROBE_REQUESTED = new HostAccelerationProbeRequestedEvent(HOST, "admin");

    private FixtureConfiguration<Host> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Host.class);
    }

    // --- register ---

    @Test
    void givenNoHost_whenRegistered_thenHostRegisteredByTheActingUser() {
        fixture.givenNoPriorActivity()
                .when(new RegisterHostCommand(HOST, "kvm-1", "qemu+ssh://kvm-1/system", VirtType.KVM, 20, "openvdi",
                        "10.0.0.1"), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectEvents(REGISTERED);
    }

    @Test
    void givenNoHost_whenCordoned_thenAggregateNotFound() {
        fixture.givenNoPriorActivity()
                .when(new CordonHostCommand(HOST, "maintenance"), ADMIN)
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }

    // --- cordon ---

    @Test
    void givenRegisteredHost_whenCordoned_thenHostCordoned() {
        fixture.given(REGISTERED)
                .when(new CordonHostCommand(HOST, "maintenance"), ADMIN)
                .expectEvents(CORDONED);
    }

    @Test
    void givenRegisteredHost_whenCordonedWithoutReason_thenHostCordonedWithoutReason() {
        fixture.given(REGISTERED)
                .when(new CordonHostCommand(HOST, null), Map.of("user", "ops"))
                .expectEvents(new HostCordonedEvent(HOST, null, "ops"));
    }

    @Test
    void givenCordonedHost_whenCordonedAgain_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED)
                .when(new CordonHostCommand(HOST, "another reason"), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenUncordonedHost_whenCordoned_thenHostCordonedAgain() {
        fixture.given(REGISTERED, CORDONED, UNCORDONED)
                .when(new CordonHostCommand(HOST, "maintenance"), ADMIN)
                .expectEvents(CORDONED);
    }

    @Test
    void givenDownHost_whenCordoned_thenHostCordoned() {
        fixture.given(REGISTERED, WENT_DOWN)
                .when(new CordonHostCommand(HOST, "maintenance"), ADMIN)
                .expectEvents(CORDONED);
    }

    // --- uncordon ---

    @Test
    void givenCordonedHost_whenUncordoned_thenHostUncordoned() {
        fixture.given(REGISTERED, CORDONED)
                .when(new UncordonHostCommand(HOST), ADMIN)
                .expectEvents(UNCORDONED);
    }

    @Test
    void givenRegisteredHost_whenUncordoned_thenNoEvents() {
        fixture.given(REGISTERED)
                .when(new UncordonHostCommand(HOST), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenUncordonedHost_whenUncordonedAgain_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED, UNCORDONED)
                .when(new UncordonHostCommand(HOST), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    // --- down / up ---

    @Test
    void givenUpHost_whenMarkedDown_thenHostWentDown() {
        fixture.given(REGISTERED)
                .when(new MarkHostDownCommand(HOST, "connection refused"))
                .expectEvents(WENT_DOWN);
    }

    @Test
    void givenDownHost_whenMarkedDownAgain_thenNoEvents() {
        fixture.given(REGISTERED, WENT_DOWN)
                .when(new MarkHostDownCommand(HOST, "still refused"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenCordonedHost_whenMarkedDown_thenHostWentDown() {
        fixture.given(REGISTERED, CORDONED)
                .when(new MarkHostDownCommand(HOST, "connection refused"))
                .expectEvents(WENT_DOWN);
    }

    @Test
    void givenHostThatCameBack_whenMarkedDown_thenHostWentDownAgain() {
        fixture.given(REGISTERED, WENT_DOWN, CAME_BACK)
                .when(new MarkHostDownCommand(HOST, "connection refused"))
                .expectEvents(WENT_DOWN);
    }

    @Test
    void givenDownHost_whenMarkedUp_thenHostCameBack() {
        fixture.given(REGISTERED, WENT_DOWN)
                .when(new MarkHostUpCommand(HOST))
                .expectEvents(CAME_BACK);
    }

    @Test
    void givenUpHost_whenMarkedUp_thenNoEvents() {
        fixture.given(REGISTERED)
                .when(new MarkHostUpCommand(HOST))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenHostThatCameBack_whenMarkedUpAgain_thenNoEvents() {
        fixture.given(REGISTERED, WENT_DOWN, CAME_BACK)
                .when(new MarkHostUpCommand(HOST))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDownCordonedHost_whenMarkedUp_thenHostCameBack() {
        fixture.given(REGISTERED, CORDONED, WENT_DOWN)
                .when(new MarkHostUpCommand(HOST))
                .expectEvents(CAME_BACK);
    }

    @Test
    void givenCordonedHostThatWentDownAndCameBack_whenCordoned_thenNoEventsBecauseItStayedCordoned() {
        fixture.given(REGISTERED, CORDONED, WENT_DOWN, CAME_BACK)
                .when(new CordonHostCommand(HOST, "maintenance"), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    // --- drift ---

    @Test
    void givenRegisteredHost_whenDriftRecorded_thenHostDriftDetected() {
        fixture.given(REGISTERED)
                .when(new RecordDriftCommand(HOST, DESKTOP, "GHOST", "its VM is gone from the host"))
                .expectEvents(new HostDriftDetectedEvent(HOST, DESKTOP, "GHOST", "its VM is gone from the host"));
    }

    @Test
    void givenDriftAlreadyRecorded_whenSameDriftRecordedAgain_thenEveryObservationIsRecorded() {
        HostDriftDetectedEvent orphan = new HostDriftDetectedEvent(HOST, DESKTOP, "ORPHAN", "a VM of ours");
        fixture.given(REGISTERED, orphan)
                .when(new RecordDriftCommand(HOST, DESKTOP, "ORPHAN", "a VM of ours"))
                .expectEvents(orphan);
    }

    @Test
    void givenDownHost_whenDriftRecorded_thenHostDriftDetected() {
        fixture.given(REGISTERED, WENT_DOWN)
                .when(new RecordDriftCommand(HOST, DESKTOP, "GHOST", "its VM stopped behind the broker's back"))
                .expectEvents(new HostDriftDetectedEvent(HOST, DESKTOP, "GHOST", "its VM stopped behind the broker's back"));
    }

    // --- acceleration probe ---

    @Test
    void givenAutoHostAwaitingItsFirstProbe_whenProbeResultRecorded_thenHostAccelerationProbed() {
        fixture.given(REGISTERED_AUTO)
                .when(new RecordAccelerationProbeCommand(HOST, EffectiveVirtType.QEMU, SLOW_KVM, 3900))
                .expectEvents(PROBED_QEMU);
    }

    @Test
    void givenProbedAutoHost_whenProbeRequested_thenProbeRequestedByTheActingUser() {
        fixture.given(REGISTERED_AUTO, PROBED_QEMU)
                .when(new RequestAccelerationProbeCommand(HOST), ADMIN)
                .expectEvents(PROBE_REQUESTED);
    }

    @Test
    void givenAutoHostAwaitingItsFirstProbe_whenProbeRequested_thenNoEventsBecauseOneIsDueAlready() {
        fixture.given(REGISTERED_AUTO)
                .when(new RequestAccelerationProbeCommand(HOST), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenProbeRequested_whenRequestedAgain_thenNoEvents() {
        fixture.given(REGISTERED_AUTO, PROBED_QEMU, PROBE_REQUESTED)
                .when(new RequestAccelerationProbeCommand(HOST), Map.of("user", "ops"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenProbeRequested_whenProbeResultRecorded_thenHostAccelerationProbedAndAnotherRequestIsHeard() {
        HostAccelerationProbedEvent probedKvm = new HostAccelerationProbedEvent(HOST, EffectiveVirtType.KVM,
                "a kvm guest ran its firmware in 120 ms; software emulation took 300 ms", 900);
        fixture.given(REGISTERED_AUTO, PROBED_QEMU, PROBE_REQUESTED, probedKvm)
                .when(new RequestAccelerationProbeCommand(HOST), ADMIN)
                .expectEvents(PROBE_REQUESTED);
    }

    @Test
    void givenHostSetToKvm_whenProbeRequested_thenRejectedAsNotAuto() {
        fixture.given(REGISTERED)
                .when(new RequestAccelerationProbeCommand(HOST), ADMIN)
                .expectException(rejectedWith(ErrorCode.HOST_NOT_AUTO))
                .expectNoEvents();
    }

    @Test
    void givenHostSetToKvm_whenProbeResultRecorded_thenRejectedAsNotAuto() {
        fixture.given(REGISTERED)
                .when(new RecordAccelerationProbeCommand(HOST, EffectiveVirtType.QEMU, SLOW_KVM, 3900))
                .expectException(rejectedWith(ErrorCode.HOST_NOT_AUTO))
                .expectNoEvents();
    }

    @Test
    void givenNoHost_whenProbeRequested_thenAggregateNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RequestAccelerationProbeCommand(HOST), ADMIN)
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }
}
