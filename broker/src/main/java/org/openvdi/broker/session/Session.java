package org.openvdi.broker.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.FailSessionCommand;
import org.openvdi.broker.session.api.RequestSessionCommand;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.session.api.SessionState;

/** One employee's use of one desktop, from request to end. */
@Aggregate
class Session {

    @AggregateIdentifier
    private UUID sessionId;
    private String user;
    private UUID desktopId;
    private SessionState state;

    Session() {
    }

    @CommandHandler
    Session(RequestSessionCommand command) {
        apply(new SessionRequestedEvent(command.sessionId(), command.poolId(), command.user()));
    }

    @CommandHandler
    void handle(AssignDesktopToSessionCommand command) {
        if (state == SessionState.READY && command.desktopId().equals(desktopId)) {
            return;
        }
        if (state != SessionState.REQUESTED) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " is " + state);
        }
        apply(new DesktopAssignedToSessionEvent(sessionId, command.desktopId(), user));
    }

    @CommandHandler
    void handle(FailSessionCommand command) {
        if (state == SessionState.REQUESTED) {
            apply(new SessionFailedEvent(sessionId, command.code(), command.reason()));
        }
    }

    @CommandHandler
    void handle(EndSessionCommand command) {
        if (!state.open()) {
            return;
        }
        apply(new SessionEndedEvent(sessionId, desktopId, user, command.reason(), command.by()));
    }

    @EventSourcingHandler
    void on(SessionRequestedEvent event) {
        sessionId = event.sessionId();
        user = event.user();
        state = SessionState.REQUESTED;
    }

    @EventSourcingHandler
    void on(DesktopAssignedToSessionEvent event) {
        desktopId = event.desktopId();
        state = SessionState.READY;
    }

    @EventSourcingHandler
    void on(SessionFailedEvent event) {
        state = SessionState.FAILED;
    }

    @EventSourcingHandler
    void on(SessionEndedEvent event) {
        state = SessionState.ENDED;
    }
}
