package org.openvdi.broker.session;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.*;

/** The share commands of the Session aggregate: sharing, joining, leaving, withdrawing, running out; rejections too. */
class SessionShareTest {

    private static final UUID SESSION = UUID.randomUUID();
    private static final UUID POOL = UUID.randomUUID();
    private static final UUID DESKTOP = UUID.randomUUID();
    private static final UUID SHARE = UUID.randomUUID();
    private static final String LINK_HASH = ConnectionToken.hashOf("the-share-link");
    private static final UUID VIEWER_TOKEN = UUID.randomUUID();
    private static final String VIEWER_TOKEN_HASH = ConnectionToken.hashOf("the-viewer-token");
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");
    private static final Instant LINK_EXPIRES = NOW.plusSeconds(900);
    private static final Instant TOKEN_EXPIRES = NOW.plusSeconds(60);
    private static final UUID RESUME = UUID.randomUUID();
    private static final String RESUME_HASH = ConnectionToken.hashOf("the-resume-token");
    private static final String CONNECTION_HASH = ConnectionToken.hashOf("the-connection-id");

    private final SessionRequestedEvent requested = new SessionRequestedEvent(SESSION, POOL, "alice");
    private final DesktopAssignedToSessionEvent assigned = new DesktopAssignedToSessionEvent(SESSION, DESKTOP, "alice");
    private final SessionConnectedEvent connected =
            new SessionConnectedEvent(SESSION, DESKTOP, "alice", "gw-1", "10.1.2.3", NOW, 1);
    private final SessionSharedEvent sharedView =
            new SessionSharedEvent(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "alice");
    private final SessionSharedEvent sharedWithBob =
            new SessionSharedEvent(SESSION, SHARE, LINK_HASH, ShareMode.CONTROL, LINK_EXPIRES, "bob", "alice");
    private final SharedSessionJoinedEvent bobJoined = new SharedSessionJoinedEvent(SESSION, SHARE, "alice", "bob",
            ShareMode.VIEW, "10.5.5.5", VIEWER_TOKEN, VIEWER_TOKEN_HASH, TOKEN_EXPIRES);
    private AggregateTestFixture<Session> fixture;

    @BeforeEach
    void createFixture() {
        fixture = new AggregateTestFixture<>(Session.class);
    }

    private JoinSharedSessionCommand join(String viewer, Instant at) {
        return new JoinSharedSessionCommand(SESSION, LINK_HASH, viewer, "10.5.5.5", at, VIEWER_TOKEN,
                VIEWER_TOKEN_HASH, TOKEN_EXPIRES);
    }

    private RedeemConnectionTokenCommand redeemViewerToken(Instant at) {
        return new RedeemConnectionTokenCommand(SESSION, VIEWER_TOKEN_HASH, at, true, "gw-1", "10.5.5.5", RESUME,
                RESUME_HASH, Duration.ofMinutes(10), CONNECTION_HASH);
    }

    @Test
    void givenConnectedSession_whenItsUserShares_thenShared() {
        fixture.given(requested, assigned, connected)
                .when(new ShareSessionCommand(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "alice"))
                .expectEvents(sharedView);
    }

    @Test
    void givenShared_whenTheSameShareAgain_thenNothingNew() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(new ShareSessionCommand(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "alice"))
                .expectNoEvents();
    }

    @Test
    void givenSession_whenSomeoneElseShares_thenForbidden() {
        fixture.given(requested, assigned, connected)
                .when(new ShareSessionCommand(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "bob"))
                .expectException(rejectedWith(ErrorCode.FORBIDDEN));
    }

    @Test
    void givenSessionWithoutDesktop_whenShared_thenIllegalState() {
        fixture.given(requested)
                .when(new ShareSessionCommand(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "alice"))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE));
    }

    @Test
    void givenEndedSession_whenShared_thenSessionEnded() {
        fixture.given(requested, assigned, new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(new ShareSessionCommand(SESSION, SHARE, LINK_HASH, ShareMode.VIEW, LINK_EXPIRES, null, "alice"))
                .expectException(rejectedWith(ErrorCode.SESSION_ENDED));
    }

    @Test
    void givenShared_whenBobOpensTheLink_thenJoinedWithHisConnectToken() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(join("bob", NOW.plusSeconds(5)))
                .expectEvents(bobJoined)
                .expectResultMessagePayload(RedemptionAccepted.viewer(SESSION, DESKTOP, "bob", ShareMode.VIEW, SHARE));
    }

    @Test
    void givenJoined_whenTheLinkIsOpenedAgain_thenAlreadyUsed() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(join("carol", NOW.plusSeconds(6)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_ALREADY_USED,
                        "This share link was used already; ask for a new one"));
    }

    @Test
    void givenShared_whenItsOwnUserOpensIt_thenNotForYouAndStillOpen() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(join("alice", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_NOT_FOR_YOU,
                        "This is a link to your own session"));
    }

    @Test
    void givenSharedWithBob_whenCarolOpensIt_thenNotForYou() {
        fixture.given(requested, assigned, connected, sharedWithBob)
                .when(join("carol", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_NOT_FOR_YOU,
                        "This share link is for someone else"));
    }

    @Test
    void givenShared_whenOpenedAfterItsTime_thenExpiredIsRecorded() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(join("bob", LINK_EXPIRES.plusSeconds(1)))
                .expectEvents(new ShareExpiredEvent(SESSION, SHARE, false))
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_EXPIRED,
                        "This share link ran out at " + LINK_EXPIRES));
    }

    @Test
    void givenRevoked_whenOpened_thenRevoked() {
        fixture.given(requested, assigned, connected, sharedView, new ShareRevokedEvent(SESSION, SHARE, null, "alice"))
                .when(join("bob", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_REVOKED,
                        "The owner withdrew this share link"));
    }

    @Test
    void givenUnknownLink_whenOpened_thenNotFound() {
        fixture.given(requested, assigned, connected)
                .when(join("bob", NOW))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_NOT_FOUND, "No such share link"));
    }

    @Test
    void givenSharedAndEnded_whenOpened_thenSessionEnded() {
        fixture.given(requested, assigned, connected, sharedView, new ShareExpiredEvent(SESSION, SHARE, true),
                        new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(join("bob", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SESSION_ENDED,
                        "Session " + SESSION + " is over"));
    }

    @Test
    void givenUnusedShare_whenTheSessionEnds_thenTheShareExpiresWithIt() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(new EndSessionCommand(SESSION, "logoff", "alice", SessionEndCause.LOGOFF))
                .expectEvents(new ShareExpiredEvent(SESSION, SHARE, true),
                        new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice", SessionEndCause.LOGOFF));
    }

    @Test
    void givenJoined_whenTheGatewayRedeemsTheViewersToken_thenAcceptedForTheViewerWithTheShareMode() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectEvents(new ConnectionTokenRedeemedEvent(SESSION, VIEWER_TOKEN, DESKTOP, "bob", "gw-1", "10.5.5.5",
                                CONNECTION_HASH),
                        new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH, NOW.plusSeconds(10).plus(Duration.ofMinutes(10)),
                                "bob"))
                .expectResultMessagePayload(RedemptionAccepted.viewer(SESSION, DESKTOP, "bob", ShareMode.VIEW, SHARE));
    }

    @Test
    void givenBobJoinedSeveralLinks_whenHisTokenIsRedeemed_thenTheModeOfTheLinkHeOpenedLast() {
        for (ShareMode last : ShareMode.values()) {
            ShareMode earlier = last == ShareMode.VIEW ? ShareMode.CONTROL : ShareMode.VIEW;
            java.util.List<Object> history = new java.util.ArrayList<>(java.util.List.of(requested, assigned, connected));
            UUID lastShare = null;
            for (int i = 0; i < 12; i++) {
                UUID share = UUID.randomUUID();
                lastShare = share;
                String hash = ConnectionToken.hashOf("link-" + i);
                ShareMode mode = i == 11 ? last : earlier;
                history.add(new SessionSharedEvent(SESSION, share, hash, mode, LINK_EXPIRES, "bob", "alice"));
                history.add(new SharedSessionJoinedEvent(SESSION, share, "alice", "bob", mode, "10.5.5.5",
                        i == 11 ? VIEWER_TOKEN : UUID.randomUUID(),
                        i == 11 ? VIEWER_TOKEN_HASH : ConnectionToken.hashOf("token-" + i), TOKEN_EXPIRES));
            }
            createFixture();
            fixture.given(history)
                    .when(redeemViewerToken(NOW.plusSeconds(10)))
                    .expectResultMessagePayload(RedemptionAccepted.viewer(SESSION, DESKTOP, "bob", last, lastShare));
        }
    }

    @Test
    void givenJoinedThenRevoked_whenTheViewersTokenIsRedeemed_thenShareRevoked() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined,
                        new ShareRevokedEvent(SESSION, SHARE, "bob", "alice"))
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, VIEWER_TOKEN, ErrorCode.SHARE_REVOKED, "gw-1",
                        "10.5.5.5"));
    }

    /** Bob joined a view-only link, then a link with control; Alice withdraws the one with control. */
    private static final UUID CONTROL_SHARE = UUID.randomUUID();
    private static final UUID CONTROL_TOKEN = UUID.randomUUID();
    private static final String CONTROL_TOKEN_HASH = ConnectionToken.hashOf("the-control-viewer-token");
    private static final String CONTROL_LINK_HASH = ConnectionToken.hashOf("the-control-link");

    private Object[] bobJoinedViewThenControlAndControlWithdrawn() {
        return new Object[] {requested, assigned, connected, sharedView, bobJoined,
                new SessionSharedEvent(SESSION, CONTROL_SHARE, CONTROL_LINK_HASH, ShareMode.CONTROL, LINK_EXPIRES, "bob",
                        "alice"),
                new SharedSessionJoinedEvent(SESSION, CONTROL_SHARE, "alice", "bob", ShareMode.CONTROL, "10.5.5.5",
                        CONTROL_TOKEN, CONTROL_TOKEN_HASH, TOKEN_EXPIRES),
                new ShareRevokedEvent(SESSION, CONTROL_SHARE, "bob", "alice")};
    }

    @Test
    void givenBobJoinedTwoLinksAndTheLaterWithdrawn_whenHisTokenOfTheWithdrawnLinkIsRedeemed_thenShareRevoked() {
        fixture.given(bobJoinedViewThenControlAndControlWithdrawn())
                .when(new RedeemConnectionTokenCommand(SESSION, CONTROL_TOKEN_HASH, NOW.plusSeconds(10), true, "gw-1",
                        "10.5.5.5", RESUME, RESUME_HASH, Duration.ofMinutes(10), CONNECTION_HASH))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, CONTROL_TOKEN, ErrorCode.SHARE_REVOKED, "gw-1",
                        "10.5.5.5"))
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_REVOKED,
                        "The owner withdrew this share"));
    }

    @Test
    void givenBobJoinedTwoLinksAndTheLaterWithdrawn_whenHisTokenOfTheStandingLinkIsRedeemed_thenAcceptedViewOnly() {
        fixture.given(bobJoinedViewThenControlAndControlWithdrawn())
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectResultMessagePayload(RedemptionAccepted.viewer(SESSION, DESKTOP, "bob", ShareMode.VIEW, SHARE));
    }

    @Test
    void givenBobReconnectsThroughALinkLaterWithdrawn_whenHisResumeTokenIsRedeemed_thenShareRevokedNotTheOtherLink() {
        java.util.List<Object> history = new java.util.ArrayList<>(java.util.List.of(requested, assigned, connected,
                sharedView, bobJoined,
                new SessionSharedEvent(SESSION, CONTROL_SHARE, CONTROL_LINK_HASH, ShareMode.CONTROL, LINK_EXPIRES, "bob",
                        "alice"),
                new SharedSessionJoinedEvent(SESSION, CONTROL_SHARE, "alice", "bob", ShareMode.CONTROL, "10.5.5.5",
                        CONTROL_TOKEN, CONTROL_TOKEN_HASH, TOKEN_EXPIRES),
                // the control link's token was redeemed, and its resume token issued with it
                new ConnectionTokenRedeemedEvent(SESSION, CONTROL_TOKEN, DESKTOP, "bob", "gw-1", "10.5.5.5",
                        CONNECTION_HASH),
                new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH, NOW.plusSeconds(600), "bob")));
        UUID nextResume = UUID.randomUUID();
        String nextResumeHash = ConnectionToken.hashOf("the-next-resume-token");
        fixture.given(history)
                .when(new RedeemConnectionTokenCommand(SESSION, RESUME_HASH, NOW.plusSeconds(20), true, "gw-1",
                        "10.5.5.5", nextResume, nextResumeHash, Duration.ofMinutes(10),
                        ConnectionToken.hashOf("the-next-connection")))
                .expectResultMessagePayload(RedemptionAccepted.viewer(SESSION, DESKTOP, "bob", ShareMode.CONTROL,
                        CONTROL_SHARE));

        history.add(new ShareRevokedEvent(SESSION, CONTROL_SHARE, "bob", "alice"));
        createFixture();
        fixture.given(history)
                .when(new RedeemConnectionTokenCommand(SESSION, RESUME_HASH, NOW.plusSeconds(20), true, "gw-1",
                        "10.5.5.5", nextResume, nextResumeHash, Duration.ofMinutes(10),
                        ConnectionToken.hashOf("the-next-connection")))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, RESUME, ErrorCode.SHARE_REVOKED, "gw-1",
                        "10.5.5.5"));
    }

    @Test
    void givenJoinedAndTheSessionEnded_whenTheViewersTokenIsRedeemed_thenSessionEnded() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined, new ShareExpiredEvent(SESSION, SHARE, true),
                        new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, VIEWER_TOKEN, ErrorCode.SESSION_ENDED, "gw-1",
                        "10.5.5.5"))
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SESSION_ENDED,
                        "Session " + SESSION + " is over"));
    }

    @Test
    void givenJoined_whenRevoked_thenRevokedNamingTheViewer() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(new RevokeShareCommand(SESSION, SHARE, "alice"))
                .expectEvents(new ShareRevokedEvent(SESSION, SHARE, "bob", "alice"));
    }

    @Test
    void givenRevoked_whenRevokedAgain_thenNothingNew() {
        fixture.given(requested, assigned, connected, sharedView, new ShareRevokedEvent(SESSION, SHARE, null, "alice"))
                .when(new RevokeShareCommand(SESSION, SHARE, "alice"))
                .expectNoEvents();
    }

    @Test
    void givenNoSuchShare_whenRevoked_thenShareNotFound() {
        fixture.given(requested, assigned, connected)
                .when(new RevokeShareCommand(SESSION, SHARE, "alice"))
                .expectException(rejectedWith(ErrorCode.SHARE_NOT_FOUND));
    }

    @Test
    void givenJoined_whenTheViewersTunnelCloses_thenLeft() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(new RecordShareLeftCommand(SESSION, "bob", "gw-1", "BROWSER_CLOSED", NOW.plusSeconds(60)))
                .expectEvents(new SharedSessionLeftEvent(SESSION, SHARE, "bob", "gw-1", "BROWSER_CLOSED",
                        NOW.plusSeconds(60)))
                .expectResultMessagePayload(true);
    }

    @Test
    void givenNobodyJoined_whenAViewerLeaves_thenNothingRecorded() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(new RecordShareLeftCommand(SESSION, "bob", "gw-1", "BROWSER_CLOSED", NOW.plusSeconds(60)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }
    @Test
    void givenSharedButTheOwnerNeverConnected_whenBobOpensTheLink_thenOwnerAbsentAndTheLinkStaysGood() {
        fixture.given(requested, assigned, sharedView)
                .when(join("bob", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_OWNER_ABSENT, "The owner of session "
                        + SESSION + " is not connected right now; open the link again once they are"));
    }

    @Test
    void givenSharedAndTheOwnerDisconnected_whenBobOpensTheLinkThenTheOwnerIsBack_thenFirstRefusedThenJoined() {
        SessionDisconnectedEvent disconnected = new SessionDisconnectedEvent(SESSION, DESKTOP, "alice", "gw-1",
                "BROWSER_CLOSED", 1000, 10, 10, NOW.plusSeconds(2), 0);
        fixture.given(requested, assigned, connected, sharedView, disconnected)
                .when(join("bob", NOW.plusSeconds(5)))
                .expectNoEvents()
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_OWNER_ABSENT, "The owner of session "
                        + SESSION + " is not connected right now; open the link again once they are"));
        createFixture();
        fixture.given(requested, assigned, connected, sharedView, disconnected, connected)
                .when(join("bob", NOW.plusSeconds(9)))
                .expectEvents(bobJoined);
    }

    @Test
    void givenJoinedAndTheOwnerDisconnected_whenTheViewersTokenIsRedeemed_thenOwnerAbsentIsRecorded() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined, new SessionDisconnectedEvent(SESSION,
                        DESKTOP, "alice", "gw-1", "BROWSER_CLOSED", 1000, 10, 10, NOW.plusSeconds(8), 0))
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, VIEWER_TOKEN, ErrorCode.SHARE_OWNER_ABSENT,
                        "gw-1", "10.5.5.5"))
                .expectResultMessagePayload(new RedemptionRefused(ErrorCode.SHARE_OWNER_ABSENT, "The owner of session "
                        + SESSION + " is not connected right now; open the link again once they are"));
    }

    @Test
    void givenJoined_whenTheSessionEnds_thenTheJoinedShareEndsWithIt() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(new EndSessionCommand(SESSION, "logoff", "alice", SessionEndCause.LOGOFF))
                .expectEvents(new ShareExpiredEvent(SESSION, SHARE, true),
                        new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice", SessionEndCause.LOGOFF));
    }

    @Test
    void givenJoined_whenItsTimeIsUp_thenExpiredAndTheViewerCannotReconnect() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES))
                .expectEvents(new ShareExpiredEvent(SESSION, SHARE, false))
                .expectResultMessagePayload(true);
        createFixture();
        fixture.given(requested, assigned, connected, sharedView, bobJoined, new ShareExpiredEvent(SESSION, SHARE, false))
                .when(redeemViewerToken(NOW.plusSeconds(10)))
                .expectEvents(new ConnectionTokenRejectedEvent(SESSION, VIEWER_TOKEN, ErrorCode.SHARE_EXPIRED, "gw-1",
                        "10.5.5.5"));
    }

    @Test
    void givenUnusedShare_whenItsTimeIsUp_thenExpired() {
        fixture.given(requested, assigned, connected, sharedView)
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES.plusSeconds(3)))
                .expectEvents(new ShareExpiredEvent(SESSION, SHARE, false))
                .expectResultMessagePayload(true);
    }

    @Test
    void givenJoined_whenExpiryComesEarly_thenNothing() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined)
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES.minusMillis(1)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void givenRevokedOrExpired_whenExpiryComes_thenNothing() {
        fixture.given(requested, assigned, connected, sharedView, bobJoined,
                        new ShareRevokedEvent(SESSION, SHARE, "bob", "alice"))
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES))
                .expectNoEvents()
                .expectResultMessagePayload(false);
        createFixture();
        fixture.given(requested, assigned, connected, sharedView, new ShareExpiredEvent(SESSION, SHARE, false))
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES.plusSeconds(9)))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }

    @Test
    void givenNoSuchShare_whenExpiryComes_thenNothing() {
        fixture.given(requested, assigned, connected)
                .when(new ExpireShareCommand(SESSION, SHARE, LINK_EXPIRES))
                .expectNoEvents()
                .expectResultMessagePayload(false);
    }
}
