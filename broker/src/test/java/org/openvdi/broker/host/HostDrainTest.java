package org.openvdi.broker.host;

import static org.hamcrest.Matchers.containsString;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.DeleteHostCommand;
import org.openvdi.broker.host.api.DrainHostCommand;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDeletedEvent;
import org.openvdi.broker.host.api.HostDrainCompletedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostUncordonedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.openvdi.broker.host.api.UncordonHostCommand;
import org.openvdi.broker.hypervisor.VirtType;

/** Draining a host: the cordon it implies, its completion, and how uncordon ends it. */
class HostDrainTest {

    private static final UUID HOST = UUID.fromString("00000000-0000-0000-0000-0000000000a2");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");

    private static final HostRegisteredEvent REGISTERED = new HostRegisteredEvent(HOST, "kvm-2", "qemu+ssh://kvm-2/system",
            VirtType.KVM, 20, "openvdi", "10.0.0.2", "admin");
    private static final HostCordonedEvent CORDONED = new HostCordonedEvent(HOST, "kernel update", "admin");
    private static final HostDrainStartedEvent DRAIN_STARTED = new HostDrainStartedEvent(HOST, "kernel update", "admin");
    private static final HostDrainCompletedEvent DRAINED = new HostDrainCompletedEvent(HOST);
    private static final HostUncordonedEvent UNCORDONED = new HostUncordonedEvent(HOST, "admin");

    private FixtureConfiguration<Host> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Host.class);
    }

    @Test
    void givenNoHost_whenDrained_thenAggregateNotFound() {
        fixture.givenNoPriorActivity()
                .when(new DrainHostCommand(HOST, "kernel update"), ADMIN)
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }

    @Test
    void givenRegisteredHost_whenDrained_thenCordonedAndDrainStartedByTheActingUser() {
        fixture.given(REGISTERED)
                .when(new DrainHostCommand(HOST, "kernel update"), ADMIN)
                .expectEvents(CORDONED, DRAIN_STARTED);
    }

    @Test
    void givenCordonedHost_whenDrained_thenOnlyDrainStarted() {
        fixture.given(REGISTERED, CORDONED)
                .when(new DrainHostCommand(HOST, "kernel update"), ADMIN)
                .expectEvents(DRAIN_STARTED);
    }

    @Test
    void givenDrainingHost_whenDrainedAgain_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED)
                .when(new DrainHostCommand(HOST, "again"), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDownHost_whenDrained_thenCordonedAndDrainStarted() {
        fixture.given(REGISTERED, new HostWentDownEvent(HOST, "connection refused"))
                .when(new DrainHostCommand(HOST, "kernel update"), ADMIN)
                .expectEvents(CORDONED, DRAIN_STARTED);
    }

    @Test
    void givenDrainingHost_whenRecordedDrained_thenDrainCompleted() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED)
                .when(new RecordHostDrainedCommand(HOST))
                .expectEvents(DRAINED);
    }

    @Test
    void givenDrainedHost_whenRecordedDrainedAgain_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, DRAINED)
                .when(new RecordHostDrainedCommand(HOST))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenHostNotDraining_whenRecordedDrained_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED)
                .when(new RecordHostDrainedCommand(HOST))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDrainingHost_whenUncordoned_thenUncordonedAndTheDrainIsOver() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED)
                .when(new UncordonHostCommand(HOST), ADMIN)
                .expectEvents(UNCORDONED);
    }

    @Test
    void givenDrainEndedByUncordon_whenRecordedDrained_thenNoEvents() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, UNCORDONED)
                .when(new RecordHostDrainedCommand(HOST))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDrainedHostThatWasUncordoned_whenDrainedAgain_thenCordonedAndDrainStartedAgain() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, DRAINED, UNCORDONED)
                .when(new DrainHostCommand(HOST, "kernel update"), ADMIN)
                .expectEvents(CORDONED, DRAIN_STARTED);
    }

    // --- delete: only a drained host ---

    @Test
    void givenDrainedHost_whenDeleted_thenHostDeletedByTheActingUser() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, DRAINED)
                .when(new DeleteHostCommand(HOST), ADMIN)
                .expectEvents(new HostDeletedEvent(HOST, "admin"))
                .expectMarkedDeleted();
    }

    @Test
    void givenRegisteredOrCordonedHost_whenDeleted_thenHostNotDrainedAndNoEvents() {
        fixture.given(REGISTERED)
                .when(new DeleteHostCommand(HOST), ADMIN)
                .expectException(rejectedWith(ErrorCode.HOST_NOT_DRAINED))
                .expectExceptionMessage(containsString("Drain the host first"))
                .expectNoEvents();
        fixture.given(REGISTERED, CORDONED)
                .when(new DeleteHostCommand(HOST), ADMIN)
                .expectException(rejectedWith(ErrorCode.HOST_NOT_DRAINED))
                .expectNoEvents();
    }

    @Test
    void givenDrainingHostWithDesktopsLeft_whenDeleted_thenHostNotDrained() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED)
                .when(new DeleteHostCommand(HOST), ADMIN)
                .expectException(rejectedWith(ErrorCode.HOST_NOT_DRAINED))
                .expectExceptionMessage(containsString("still draining"))
                .expectNoEvents();
    }

    @Test
    void givenDrainEndedByUncordon_whenDeleted_thenHostNotDrained() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, DRAINED, UNCORDONED)
                .when(new DeleteHostCommand(HOST), ADMIN)
                .expectException(rejectedWith(ErrorCode.HOST_NOT_DRAINED))
                .expectNoEvents();
    }

    @Test
    void givenDeletedHost_whenAnyCommandArrives_thenTheHostIsGone() {
        fixture.given(REGISTERED, CORDONED, DRAIN_STARTED, DRAINED, new HostDeletedEvent(HOST, "admin"))
                .when(new UncordonHostCommand(HOST), ADMIN)
                .expectException(AggregateDeletedException.class)
                .expectNoEvents();
    }
}
