package org.openvdi.broker.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.recording.RecordingStarter;
import org.openvdi.broker.session.ConnectProperties;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.SessionAggregates;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.ConnectionTokenRejectedEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.IssueConnectionTokenCommand;
import org.openvdi.broker.session.api.RequestSessionCommand;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.contract.RedeemRequest;

/**
 * The redeemer driven directly, with the real Session aggregate deciding (in-memory Axon) and the real
 * read models it projects. On libvirt's test driver a desktop shows no display, so a good token is
 * refused with DESKTOP_GONE there; an accepted redemption needs a real display (RealDisplayRedeemTest).
 */
class ConnectionRedeemerTest {

    private static final UUID HOST = UUID.randomUUID();
    private static final String ALICE = "alice";

    private static final List<EventMessage<?>> events = new CopyOnWriteArrayList<>();
    private static ProcessHarness harness;
    private static SessionAggregates sessions;
    private static ConnectionRedeemer redeemer;
    private static CommandGateway gateway;
    private final UUID pool = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private final ConnectionToken token = ConnectionToken.random();

    @BeforeAll
    static void start() {
        sessions = new SessionAggregates(message -> {
            events.add(message);
            harness.project(message);
        });
        gateway = sessions.commandGateway();
        harness = ProcessHarness.start(Map.of(CommandGateway.class, gateway, ConnectProperties.class,
                new ConnectProperties(Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(5))),
                ConnectionRedeemer.class, DesktopDisplays.class, RecordingStarter.class);
        redeemer = harness.bean(ConnectionRedeemer.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
        sessions.close();
    }

    @BeforeEach
    void givenSessionWithItsDesktop() {
        harness.reset();
        events.clear();
        harness.given(testDriverHost(HOST, 5)).given(floatingPool(pool, 1, 3)).given(readyDesktop(desktop, pool, HOST, null))
                .given(new DesktopAssignedEvent(desktop, session, ALICE, false));
        gateway.sendAndWait(new RequestSessionCommand(session, pool, ALICE));
        gateway.sendAndWait(new AssignDesktopToSessionCommand(session, desktop));
    }

    @Test
    void givenTokenNoSessionIssued_whenRedeemed_thenTokenUnknownAndNothingIsRecorded() {
        int before = events.size();

        assertThatThrownBy(() -> redeemer.redeem(request(ConnectionToken.random()), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_UNKNOWN));
        assertThat(events).hasSize(before);
    }

    @Test
    void givenExpiredToken_whenRedeemed_thenRefusedAsExpiredAndTheRefusalIsRecorded() {
        issue(Instant.now().minusSeconds(1));

        assertThatThrownBy(() -> redeemer.redeem(request(token), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
        assertThat(rejections()).containsExactly(ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void givenValidTokenForADesktopWithoutDisplay_whenRedeemed_thenRefusedAsDesktopGoneSayingWhy() {
        issue(Instant.now().plusSeconds(60));

        assertThatThrownBy(() -> redeemer.redeem(request(token), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DESKTOP_GONE);
                    assertThat(e.getMessage()).contains("has no VNC display");
                });
        assertThat(rejections()).containsExactly(ErrorCode.DESKTOP_GONE);
    }

    @Test
    void givenValidTokenForADesktopWhoseHostDoesNotAnswer_whenRedeemed_thenRefusedAsDisplayUnreachableNotGone() {
        UUID host = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID otherSession = UUID.randomUUID();
        harness.given(org.openvdi.broker.testsupport.Histories.unreachableHost(host))
                .given(new org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent(other, pool, host,
                        org.openvdi.broker.testsupport.Histories.TEMPLATE, 1, null))
                .given(new org.openvdi.broker.desktop.api.DesktopBecameReadyEvent(other, "127.0.0.1", 5901, 1))
                .given(new DesktopAssignedEvent(other, otherSession, "bob", false));
        gateway.sendAndWait(new RequestSessionCommand(otherSession, pool, "bob"));
        gateway.sendAndWait(new AssignDesktopToSessionCommand(otherSession, other));
        ConnectionToken presented = ConnectionToken.random();
        gateway.sendAndWait(new IssueConnectionTokenCommand(otherSession, UUID.randomUUID(), presented.hash(),
                Instant.now().plusSeconds(60), "bob"));

        assertThatThrownBy(() -> redeemer.redeem(request(presented), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DISPLAY_UNREACHABLE);
                    assertThat(e.getMessage()).contains("does not answer");
                });
        assertThat(rejections()).containsExactly(ErrorCode.DESKTOP_GONE);
    }

    @Test
    void givenValidTokenOfASessionThatEnded_whenRedeemed_thenRefusedAsSessionEnded() {
        issue(Instant.now().plusSeconds(60));
        gateway.sendAndWait(new EndSessionCommand(session, "logged off", ALICE));

        assertThatThrownBy(() -> redeemer.redeem(request(token), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSION_ENDED));
        assertThat(rejections()).containsExactly(ErrorCode.SESSION_ENDED);
    }

    @Test
    void givenTokenForSomeoneElse_whenIssued_thenTheSessionRefusesItSoNoOneCanRedeemIt() {
        assertThatThrownBy(() -> gateway.sendAndWait(new IssueConnectionTokenCommand(session, UUID.randomUUID(),
                token.hash(), Instant.now().plusSeconds(60), "mallory")))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_WRONG_USER));

        assertThatThrownBy(() -> redeemer.redeem(request(token), "gateway"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_UNKNOWN));
    }

    private void issue(Instant expiresAt) {
        gateway.sendAndWait(new IssueConnectionTokenCommand(session, UUID.randomUUID(), token.hash(), expiresAt, ALICE));
    }

    private List<ErrorCode> rejections() {
        return events.stream().map(EventMessage::getPayload).filter(ConnectionTokenRejectedEvent.class::isInstance)
                .map(e -> ((ConnectionTokenRejectedEvent) e).code()).toList();
    }

    private static RedeemRequest request(ConnectionToken presented) {
        return new RedeemRequest(presented.value(), "gateway-1", "192.0.2.10");
    }
}
