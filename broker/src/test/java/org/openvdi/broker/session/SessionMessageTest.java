package org.openvdi.broker.session;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SendSessionMessageCommand;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionMessageSentEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;

/** An admin's message to a session's user, and an admin's end of a session with a reason, decided by the Session. */
class SessionMessageTest {

    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final UUID MESSAGE = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final String TEXT = "<b>Reboot</b> at 18:00 \u05e2";

    private static final SessionRequestedEvent REQUESTED = new SessionRequestedEvent(SESSION, POOL, "alice");
    private static final DesktopAssignedToSessionEvent ASSIGNED = new DesktopAssignedToSessionEvent(SESSION, DESKTOP, "alice");
    private static final SessionMessageSentEvent SENT = new SessionMessageSentEvent(SESSION, MESSAGE, "alice", TEXT, "admin");

    private AggregateTestFixture<Session> fixture;

    @BeforeEach
    void createFixture() {
        fixture = new AggregateTestFixture<>(Session.class);
    }

    @Test
    void givenAnOpenSession_whenAnAdminSendsAMessage_thenTheMessageIsSentToItsUser() {
        fixture.given(REQUESTED, ASSIGNED)
                .when(new SendSessionMessageCommand(SESSION, MESSAGE, TEXT, "admin"))
                .expectEvents(SENT);
    }

    @Test
    void givenASessionWaitingForItsDesktop_whenAnAdminSendsAMessage_thenItIsSent() {
        fixture.given(REQUESTED)
                .when(new SendSessionMessageCommand(SESSION, MESSAGE, TEXT, "admin"))
                .expectEvents(SENT);
    }

    @Test
    void givenTheMessageSentAlready_whenTheSameMessageIsSentAgain_thenNoEvents() {
        fixture.given(REQUESTED, ASSIGNED, SENT)
                .when(new SendSessionMessageCommand(SESSION, MESSAGE, TEXT, "admin"))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenAMessageSent_whenAnotherIsSent_thenItIsSentToo() {
        UUID second = UUID.randomUUID();
        fixture.given(REQUESTED, ASSIGNED, SENT)
                .when(new SendSessionMessageCommand(SESSION, second, "again", "admin"))
                .expectEvents(new SessionMessageSentEvent(SESSION, second, "alice", "again", "admin"));
    }

    @Test
    void givenAnEndedOrFailedSession_whenAnAdminSendsAMessage_thenSessionEnded() {
        fixture.given(REQUESTED, ASSIGNED, new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(new SendSessionMessageCommand(SESSION, MESSAGE, TEXT, "admin"))
                .expectException(rejectedWith(ErrorCode.SESSION_ENDED))
                .expectNoEvents();
        fixture.given(REQUESTED, new SessionFailedEvent(SESSION, ErrorCode.POOL_FULL, "full"))
                .when(new SendSessionMessageCommand(SESSION, MESSAGE, TEXT, "admin"))
                .expectException(rejectedWith(ErrorCode.SESSION_ENDED))
                .expectNoEvents();
    }

    @Test
    void givenAnOpenSession_whenAnAdminEndsItWithAReason_thenEndedWithThatReasonByTheAdmin() {
        fixture.given(REQUESTED, ASSIGNED, SENT)
                .when(new EndSessionCommand(SESSION, "Host maintenance", "admin", SessionEndCause.LOGOFF))
                .expectEvents(new SessionEndedEvent(SESSION, DESKTOP, "alice", "Host maintenance", "admin", SessionEndCause.LOGOFF));
    }
}
