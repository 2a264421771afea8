package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The disconnect timeout driven directly, as its schedule calls it, on the real session read model: a
 * session disconnected longer than the timeout is ended by the system; one disconnected for less, one
 * reconnected in time, one with a tab still open and one ended already are not. Times are the broker's
 * own record of each event, as the projection keeps them.
 */
class DisconnectTimeoutProcessTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final String ALICE = "alice";

    private static ProcessHarness harness;
    private static DisconnectTimeoutProcess process;
    private final UUID session = UUID.randomUUID();
    private final Instant now = Instant.now();
    private RecordedCommands commands;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(Map.of(ConnectProperties.class,
                new ConnectProperties(Duration.ofSeconds(60), TIMEOUT, Duration.ofSeconds(5))), DisconnectTimeoutProcess.class);
        process = harness.bean(DisconnectTimeoutProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void acceptEnds() {
        commands = harness.reset().accept(EndSessionCommand.class);
    }

    @Test
    void givenSessionDisconnectedLongerThanTheTimeout_whenChecked_thenTheSystemEndsIt() {
        connectedThenDisconnected(session, now.minus(TIMEOUT).minusSeconds(1), 0);

        process.endAbandonedSessions();

        assertThat(commands.all()).containsExactly(new EndSessionCommand(session, "disconnect timeout", "system",
                org.openvdi.broker.session.api.SessionEndCause.DISCONNECT_TIMEOUT));
        assertThat(commands.actors()).containsExactly("system");
    }

    @Test
    void givenSessionDisconnectedForLessThanTheTimeout_whenChecked_thenItKeepsItsDesktop() {
        connectedThenDisconnected(session, now.minus(TIMEOUT).plusSeconds(30), 0);

        process.endAbandonedSessions();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenSessionReconnectedBeforeTheTimeout_whenCheckedAfterIt_thenItIsNotEnded() {
        connectedThenDisconnected(session, now.minus(TIMEOUT).minusSeconds(60), 0);
        harness.givenAt(now.minusSeconds(5), connected(session, now.minusSeconds(5)));

        process.endAbandonedSessions();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenOneOfTwoTabsClosedLongAgo_whenChecked_thenTheSessionStillConnectedIsNotEnded() {
        connectedThenDisconnected(session, now.minus(TIMEOUT).minusSeconds(60), 1);

        process.endAbandonedSessions();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenSessionEndedAfterItsDisconnect_whenChecked_thenItIsNotEndedAgain() {
        connectedThenDisconnected(session, now.minus(TIMEOUT).minusSeconds(60), 0);
        harness.given(new SessionEndedEvent(session, UUID.randomUUID(), ALICE, "logged off", ALICE));

        process.endAbandonedSessions();

        assertThat(commands.all()).isEmpty();
    }

    @Test
    void givenTwoAbandonedSessionsAndEndingTheFirstFails_whenChecked_thenTheSecondIsStillEndedAndTheFirstIsTriedAgainNextTime() {
        UUID other = UUID.randomUUID();
        connectedThenDisconnected(session, now.minus(TIMEOUT).minusSeconds(120), 0);
        connectedThenDisconnected(other, now.minus(TIMEOUT).minusSeconds(60), 0);
        commands.reset();
        commands.answer(EndSessionCommand.class, end -> {
            if (end.sessionId().equals(session)) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "the store was unreachable");
            }
            return null;
        });

        assertThatCode(process::endAbandonedSessions).doesNotThrowAnyException();
        process.endAbandonedSessions();

        assertThat(commands.sent(EndSessionCommand.class)).extracting(EndSessionCommand::sessionId)
                .containsExactly(session, other, session, other);
    }

    private void connectedThenDisconnected(UUID sessionId, Instant disconnectedAt, int tabsStillOpen) {
        UUID desktop = UUID.randomUUID();
        Instant connectedAt = disconnectedAt.minus(Duration.ofHours(1));
        harness.givenAt(connectedAt.minusSeconds(10), new SessionRequestedEvent(sessionId, UUID.randomUUID(), ALICE),
                new DesktopAssignedToSessionEvent(sessionId, desktop, ALICE));
        harness.givenAt(connectedAt, connected(sessionId, connectedAt));
        harness.givenAt(disconnectedAt, new SessionDisconnectedEvent(sessionId, desktop, ALICE, "gateway-1", "tab closed",
                3_600_000, 1_000, 100, disconnectedAt, tabsStillOpen));
    }

    private static SessionConnectedEvent connected(UUID sessionId, Instant at) {
        return new SessionConnectedEvent(sessionId, UUID.randomUUID(), ALICE, "gateway-1", "192.0.2.7", at, 1);
    }
}
