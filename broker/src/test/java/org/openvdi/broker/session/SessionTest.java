package org.openvdi.broker.session;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.CustomTypeSafeMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.*;

/** Every command of the Session aggregate, rejections included. */
class SessionTest {

    private static final UUID SESSION = UUID.randomUUID();
    private static final UUID POOL = UUID.randomUUID();
    private static final UUID DESKTOP = UUID.randomUUID();
    private static final UUID TOKEN = UUID.randomUUID();
    private static final String HASH = ConnectionToken.hashOf("the-token");
    private static final Instant ISSUED = Instant.parse("2030-01-01T10:00:00Z");
    private static final Instant EXPIRES = ISSUED.plusSeconds(60);
    private static final Duration RESUME_TTL = Duration.ofMinutes(10);
    private static final UUID RESUME = UUID.randomUUID();
    private static final String RESUME_HASH = ConnectionToken.hashOf("the-resume-token");
    private static final UUID NEXT_RESUME = UUID.randomUUID();
    private static final String NEXT_RESUME_HASH = ConnectionToken.hashOf("the-next-resume-token");
    private static final String CONNECTION_HASH = ConnectionToken.hashOf("the-connection-id");
    private static final String NEXT_CONNECTION_HASH = ConnectionToken.hashOf("the-next-connection-id");

    private final SessionRequestedEvent requested = new SessionRequestedEvent(SESSION, POOL, "alice");
    private final DesktopAssignedToSessionEvent assigned = new DesktopAssignedToSessionEvent(SESSION, DESKTOP, "alice");
    private final ConnectionTokenIssuedEvent issued = new ConnectionTokenIssuedEvent(SESSION, TOKEN, HASH, EXPIRES, "alice");
    private final ConnectionTokenRedeemedEvent redeemed =
            new ConnectionTokenRedeemedEvent(SESSION, TOKEN, DESKTOP, "alice", "gw-1", "10.1.2.3", CONNECTION_HASH);
    private final ResumeTokenIssuedEvent resumeIssued =
            new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH, ISSUED.plus(RESUME_TTL), "alice");
    private AggregateTestFixture<Session> fixture;

    @BeforeEach
    void createFixture() {
        fixture = new AggregateTestFixture<>(Session.class);
    }

    /** The gateway presents a token; were it accepted, the resume token drawn for it would be {@link #RESUME}. */
    private RedeemConnectionTokenCommand redeem(String hash, Instant at, boolean desktopAvailable) {
        return new RedeemConnectionTokenCommand(SESSION, hash, at, desktopAvailable, "gw-1", "10.1.2.3", RESUME,
                RESUME_HASH, RESUME_TTL, CONNECTION_HASH);
    }

    /** The gateway presents the resume token {@link #RESUME}; the next one drawn for it is {@link #NEXT_RESUME}. */
    private RedeemConnectionTokenCommand resume(Instant at) {
        return new RedeemConnectionTokenCommand(SESSION, RESUME_HASH, at, true, "gw-2", "10.9.8.7", NEXT_RESUME,
                NEXT_RESUME_HASH, RESUME_TTL, NEXT_CONNECTION_HASH);
    }

    private ConnectionTokenRejectedEvent resumeRejected(ErrorCode code) {
        return new ConnectionTokenRejectedEvent(SESSION, RESUME, code, "gw-2", "10.9.8.7");
    }

    private SessionConnectedEvent connected(Instant at) {
        return new SessionConnectedEvent(SESSION, DESKTOP, "alice", "gw-1", "10.1.2.3", at, 1);
    }

    private SessionDisconnectedEvent disconnected(Instant at) {
        return new SessionDisconnectedEvent(SESSION, DESKTOP, "alice", "gw-1", "BROWSER_CLOSED", 1000, 10, 20, at, 0);
    }

    private ConnectionTokenRejectedEvent rejected(UUID tokenId, ErrorCode code) {
        return new ConnectionTokenRejectedEvent(SESSION, tokenId, code, "gw-1", "10.1.2.3");
    }

    @Test
    void givenNothing_whenSessionRequested_thenRequested() {
        fixture.givenNoPriorActivity()
                .when(new RequestSessionCommand(SESSION, POOL, "alice"))
                .expectEvents(requested);
    }

    @Test
    void givenRequested_whenDesktopAssigned_thenAssignedOnceEvenIfRepeated() {
        fixture.given(requested).when(new AssignDesktopToSessionCommand(SESSION, DESKTOP)).expectEvents(assigned);
        fixture.given(requested, assigned).when(new AssignDesktopToSessionCommand(SESSION, DESKTOP)).expectNoEvents();
    }

    @Test
    void givenRequested_whenDesktopAssignedWithFirstToken_thenAssignedAndTokenIssuedInOneStep() {
        ConnectionTokenGrant grant = new ConnectionTokenGrant(TOKEN, HASH, EXPIRES);
        fixture.given(requested).when(new AssignDesktopToSessionCommand(SESSION, DESKTOP, grant))
                .expectEvents(assigned, issued);
    }

    @Test
    void givenAssignedWithFirstToken_whenRepeated_thenNothingNew() {
        ConnectionTokenGrant grant = new ConnectionTokenGrant(TOKEN, HASH, EXPIRES);
        fixture.given(requested, assigned, issued).when(new AssignDesktopToSessionCommand(SESSION, DESKTOP, grant))
                .expectNoEvents();
    }

    @Test
    void givenEnded_whenDesktopAssignedWithFirstToken_thenIllegalStateAndNoToken() {
        fixture.given(requested, new SessionEndedEvent(SESSION, null, "alice", "logoff", "alice"))
                .when(new AssignDesktopToSessionCommand(SESSION, DESKTOP, new ConnectionTokenGrant(TOKEN, HASH, EXPIRES)))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectNoEvents();
    }

    @Test
    void givenReady_whenAnotherDesktopAssigned_thenIllegalState() {
        fixture.given(requested, assigned)
                .when(new AssignDesktopToSessionCommand(SESSION, UUID.randomUUID()))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE))
                .expectExceptionMessage("Session " + SESSION + " is READY");
    }

    @Test
    void givenRequested_whenFailed_thenFailedButNotOnceServed() {
        fixture.given(requested).when(new FailSessionCommand(SESSION, ErrorCode.POOL_FULL, "full"))
                .expectEvents(new SessionFailedEvent(SESSION, ErrorCode.POOL_FULL, "full"));
        fixture.given(requested, assigned).when(new FailSessionCommand(SESSION, ErrorCode.POOL_FULL, "full")).expectNoEvents();
    }

    @Test
    void givenReady_whenEnded_thenEndedOnce() {
        SessionEndedEvent ended = new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice");
        fixture.given(requested, assigned).when(new EndSessionCommand(SESSION, "logoff", "alice")).expectEvents(ended);
        fixture.given(requested, assigned, ended).when(new EndSessionCommand(SESSION, "logoff", "alice")).expectNoEvents();
    }

    @Test
    void givenReady_whenTokenIssued_thenOnlyItsHashIsRecorded() {
        fixture.given(requested, assigned)
                .when(new IssueConnectionTokenCommand(SESSION, TOKEN, HASH, EXPIRES, "alice"))
                .expectEvents(issued);
    }

    @Test
    void givenReady_whenTokenIssuedForAnotherUser_thenWrongUser() {
        fixture.given(requested, assigned)
                .when(new IssueConnectionTokenCommand(SESSION, TOKEN, HASH, EXPIRES, "bob"))
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.TOKEN_WRONG_USER));
    }

    @Test
    void givenRequested_whenTokenIssued_thenIllegalState() {
        fixture.given(requested)
                .when(new IssueConnectionTokenCommand(SESSION, TOKEN, HASH, EXPIRES, "alice"))
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE));
    }

    @Test
    void givenEnded_whenTokenIssued_thenSessionEnded() {
        fixture.given(requested, assigned, new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(new IssueConnectionTokenCommand(SESSION, TOKEN, HASH, EXPIRES, "alice"))
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.SESSION_ENDED));
    }

    @Test
    void givenFailed_whenTokenIssued_thenSessionEnded() {
        fixture.given(requested, new SessionFailedEvent(SESSION, ErrorCode.POOL_FULL, "full"))
                .when(new IssueConnectionTokenCommand(SESSION, TOKEN, HASH, EXPIRES, "alice"))
                .expectException(rejectedWith(ErrorCode.SESSION_ENDED));
    }

    @Test
    void givenIssuedToken_whenRedeemedInTime_thenRedeemedAcceptedAndAResumeTokenIssued() {
        fixture.given(requested, assigned, issued)
                .when(redeem(HASH, ISSUED.plusSeconds(5), true))
                .expectEvents(redeemed, new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH,
                        ISSUED.plusSeconds(5).plus(RESUME_TTL), "alice"))
                .expectResultMessagePayload(new RedemptionAccepted(SESSION, DESKTOP, "alice"));
    }

    @Test
    void givenIssuedToken_whenRedeemedAfterExpiry_thenRejectionRecordedAndAnswered() {
        fixture.given(requested, assigned, issued)
                .when(redeem(HASH, EXPIRES.plusMillis(1), true))
                .expectEvents(rejected(TOKEN, ErrorCode.TOKEN_EXPIRED))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_EXPIRED));
    }

    @Test
    void givenRedeemedToken_whenReplayed_thenAlreadyUsedRecorded() {
        fixture.given(requested, assigned, issued, redeemed)
                .when(redeem(HASH, ISSUED.plusSeconds(6), true))
                .expectEvents(rejected(TOKEN, ErrorCode.TOKEN_ALREADY_USED))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_ALREADY_USED));
    }

    @Test
    void givenIssuedToken_whenAnotherTokenPresented_thenUnknownRecorded() {
        fixture.given(requested, assigned, issued)
                .when(redeem(ConnectionToken.hashOf("forged"), ISSUED.plusSeconds(1), true))
                .expectEvents(rejected(null, ErrorCode.TOKEN_UNKNOWN))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_UNKNOWN));
    }

    @Test
    void givenTokenOfAnotherUser_whenRedeemed_thenWrongUserRecorded() {
        fixture.given(requested, assigned, new ConnectionTokenIssuedEvent(SESSION, TOKEN, HASH, EXPIRES, "mallory"))
                .when(redeem(HASH, ISSUED.plusSeconds(1), true))
                .expectEvents(rejected(TOKEN, ErrorCode.TOKEN_WRONG_USER))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_WRONG_USER));
    }

    @Test
    void givenEndedSession_whenTokenRedeemed_thenSessionEndedRecorded() {
        fixture.given(requested, assigned, issued, new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(redeem(HASH, ISSUED.plusSeconds(1), false))
                .expectEvents(rejected(TOKEN, ErrorCode.SESSION_ENDED))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.SESSION_ENDED));
    }

    @Test
    void givenDesktopGone_whenTokenRedeemed_thenDesktopGoneRecordedAndTokenStillUnused() {
        fixture.given(requested, assigned, issued)
                .when(redeem(HASH, ISSUED.plusSeconds(1), false))
                .expectEvents(rejected(TOKEN, ErrorCode.DESKTOP_GONE))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.DESKTOP_GONE));
        fixture.given(requested, assigned, issued, rejected(TOKEN, ErrorCode.DESKTOP_GONE))
                .when(redeem(HASH, ISSUED.plusSeconds(2), true))
                .expectEvents(redeemed, new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH,
                        ISSUED.plusSeconds(2).plus(RESUME_TTL), "alice"));
    }

    @Test
    void givenATunnelLostAMomentAgo_whenItsResumeTokenIsPresented_thenUsedUpAndTheNextOneIssued() {
        Instant lost = ISSUED.plusSeconds(30);
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED), disconnected(lost))
                .when(resume(lost.plusSeconds(2)))
                .expectEvents(new ConnectionTokenRedeemedEvent(SESSION, RESUME, DESKTOP, "alice", "gw-2", "10.9.8.7",
                                NEXT_CONNECTION_HASH),
                        new ResumeTokenIssuedEvent(SESSION, NEXT_RESUME, NEXT_RESUME_HASH,
                                lost.plusSeconds(2).plus(RESUME_TTL), "alice"))
                .expectResultMessagePayload(new RedemptionAccepted(SESSION, DESKTOP, "alice"));
    }

    @Test
    void givenAResumeTokenUsedOnce_whenReplayed_thenAlreadyUsedRecordedAndAnswered() {
        Instant lost = ISSUED.plusSeconds(30);
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED), disconnected(lost),
                        new ConnectionTokenRedeemedEvent(SESSION, RESUME, DESKTOP, "alice", "gw-2", "10.9.8.7",
                                NEXT_CONNECTION_HASH),
                        new ResumeTokenIssuedEvent(SESSION, NEXT_RESUME, NEXT_RESUME_HASH, lost.plus(RESUME_TTL), "alice"))
                .when(resume(lost.plusSeconds(3)))
                .expectEvents(resumeRejected(ErrorCode.TOKEN_ALREADY_USED))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_ALREADY_USED));
    }

    @Test
    void givenAResumeTokenIssuedToAnotherUser_whenPresented_thenWrongUserRecorded() {
        fixture.given(requested, assigned, issued, redeemed,
                        new ResumeTokenIssuedEvent(SESSION, RESUME, RESUME_HASH, ISSUED.plus(RESUME_TTL), "mallory"))
                .when(resume(ISSUED.plusSeconds(10)))
                .expectEvents(resumeRejected(ErrorCode.TOKEN_WRONG_USER))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_WRONG_USER));
    }

    @Test
    void givenTheLastTunnelClosedLongerThanTheTtlAgo_whenAResumeTokenIsPresented_thenExpiredRecorded() {
        Instant lost = ISSUED.plus(Duration.ofHours(3));
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED), disconnected(lost))
                .when(resume(lost.plus(RESUME_TTL).plusMillis(1)))
                .expectEvents(resumeRejected(ErrorCode.TOKEN_EXPIRED))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.TOKEN_EXPIRED));
    }

    @Test
    void givenNoTunnelEverOpened_whenAResumeTokenIsPresentedAfterItsTtl_thenExpiredRecorded() {
        fixture.given(requested, assigned, issued, redeemed, resumeIssued)
                .when(resume(ISSUED.plus(RESUME_TTL).plusMillis(1)))
                .expectEvents(resumeRejected(ErrorCode.TOKEN_EXPIRED));
    }

    @Test
    void givenATunnelOpenForHours_whenItsResumeTokenIsPresentedWhileOpenOrSoonAfterItClosed_thenAccepted() {
        Instant hoursLater = ISSUED.plus(Duration.ofHours(5));
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED))
                .when(resume(hoursLater))
                .expectResultMessagePayload(new RedemptionAccepted(SESSION, DESKTOP, "alice"));
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED), disconnected(hoursLater))
                .when(resume(hoursLater.plus(RESUME_TTL)))
                .expectResultMessagePayload(new RedemptionAccepted(SESSION, DESKTOP, "alice"));
    }

    @Test
    void givenAnEndedSession_whenItsResumeTokenIsPresented_thenSessionEndedRecorded() {
        Instant lost = ISSUED.plusSeconds(30);
        fixture.given(requested, assigned, issued, redeemed, resumeIssued, connected(ISSUED), disconnected(lost),
                        new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(new RedeemConnectionTokenCommand(SESSION, RESUME_HASH, lost.plusSeconds(1), false, "gw-2",
                        "10.9.8.7", NEXT_RESUME, NEXT_RESUME_HASH, RESUME_TTL, NEXT_CONNECTION_HASH))
                .expectEvents(resumeRejected(ErrorCode.SESSION_ENDED))
                .expectResultMessagePayloadMatching(refusedWith(ErrorCode.SESSION_ENDED));
    }

    @Test
    void givenReady_whenConnectedTwiceAndDisconnectedTwice_thenConnectionsAreCounted() {
        Instant at = ISSUED.plusSeconds(3);
        SessionConnectedEvent first = new SessionConnectedEvent(SESSION, DESKTOP, "alice", "gw-1", "10.1.2.3", at, 1);
        SessionConnectedEvent second = new SessionConnectedEvent(SESSION, DESKTOP, "alice", "gw-2", "10.1.2.4", at, 2);
        SessionDisconnectedEvent oneLeft = new SessionDisconnectedEvent(SESSION, DESKTOP, "alice", "gw-1", "tab closed",
                1000, 10, 20, at, 1);
        fixture.given(requested, assigned)
                .when(new RecordSessionConnectedCommand(SESSION, "gw-1", "10.1.2.3", at))
                .expectEvents(first).expectResultMessagePayload(true);
        fixture.given(requested, assigned, first)
                .when(new RecordSessionConnectedCommand(SESSION, "gw-2", "10.1.2.4", at))
                .expectEvents(second);
        fixture.given(requested, assigned, first, second)
                .when(new RecordSessionDisconnectedCommand(SESSION, "gw-1", "tab closed", 1000, 10, 20, at))
                .expectEvents(oneLeft);
        fixture.given(requested, assigned, first, second, oneLeft)
                .when(new RecordSessionDisconnectedCommand(SESSION, "gw-2", "tab closed", 2000, 30, 40, at))
                .expectEvents(new SessionDisconnectedEvent(SESSION, DESKTOP, "alice", "gw-2", "tab closed", 2000, 30, 40,
                        at, 0));
    }

    @Test
    void givenEndedOrRequested_whenTelemetryArrives_thenNothingIsRecorded() {
        Instant at = ISSUED;
        fixture.given(requested, assigned, new SessionEndedEvent(SESSION, DESKTOP, "alice", "logoff", "alice"))
                .when(new RecordSessionDisconnectedCommand(SESSION, "gw-1", "closed", 1, 0, 0, at))
                .expectNoEvents().expectResultMessagePayload(false);
        fixture.given(requested)
                .when(new RecordSessionConnectedCommand(SESSION, "gw-1", "10.1.2.3", at))
                .expectNoEvents().expectResultMessagePayload(false);
    }

    private static Matcher<Object> refusedWith(ErrorCode code) {
        return new CustomTypeSafeMatcher<>("a refusal with code " + code) {
            @Override
            protected boolean matchesSafely(Object item) {
                return item instanceof RedemptionRefused refused && refused.code() == code;
            }
        };
    }
}
