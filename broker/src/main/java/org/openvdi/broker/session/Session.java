package org.openvdi.broker.session;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.*;

/**
 * One employee's use of one desktop, from request to end, with the tokens and connections in between.
 * Every accepted token comes with a resume token, so a page that loses its tunnel reconnects in place.
 */
@Aggregate(repository = "sessionRepository")
class Session {

    @AggregateIdentifier
    private UUID sessionId;
    private String user;
    private UUID desktopId;
    private SessionState state;
    private int openConnections;
    private Instant lastDisconnectedAt;
    private final IssuedTokens tokens = new IssuedTokens();
    private final SessionShares shares = new SessionShares();
    private final java.util.Set<UUID> messages = new java.util.HashSet<>();

    Session() {
    }

    @CommandHandler
    Session(RequestSessionCommand command) {
        apply(new SessionRequestedEvent(command.sessionId(), command.poolId(), command.user()));
    }

    /** Assigns the desktop (again the same one: a no-op), and records the first token it carries unless known. */
    @CommandHandler
    void handle(AssignDesktopToSessionCommand command) {
        if (state != SessionState.READY || !command.desktopId().equals(desktopId)) {
            if (state != SessionState.REQUESTED) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " is " + state);
            }
            apply(new DesktopAssignedToSessionEvent(sessionId, command.desktopId(), user));
        }
        ConnectionTokenGrant token = command.token();
        if (token != null && !tokens.knows(token.tokenHash())) {
            apply(new ConnectionTokenIssuedEvent(sessionId, token.tokenId(), token.tokenHash(), token.expiresAt(), user));
        }
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
        shares.standing().forEach(share -> apply(new ShareExpiredEvent(sessionId, share.shareId(), true)));
        apply(new SessionEndedEvent(sessionId, desktopId, user, command.reason(), command.by(), command.cause()));
    }

    /** Only the session's user shares it, and only while it has a desktop; the same link twice is a no-op. */
    @CommandHandler
    void handle(ShareSessionCommand command) {
        if (!user.equals(command.by())) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "Only the user of session " + sessionId + " shares it");
        }
        if (!state.open()) {
            throw new BrokerException(ErrorCode.SESSION_ENDED, "Session " + sessionId + " is over (" + state + ")");
        }
        if (state == SessionState.REQUESTED) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " has no desktop yet");
        }
        if (shares.byId(command.shareId()).isEmpty() && !shares.knowsHash(command.tokenHash())) {
            apply(new SessionSharedEvent(sessionId, command.shareId(), command.tokenHash(), command.mode(),
                    command.expiresAt(), command.viewer(), command.by()));
        }
    }

    /**
     * Opens a share link for a signed-in viewer: the first good attempt uses it up. A refusal is answered, not thrown,
     * so that a link found run out is recorded as expired.
     */
    @CommandHandler
    RedemptionOutcome handle(JoinSharedSessionCommand command) {
        SessionShares.Share share = shares.byHash(command.tokenHash()).orElse(null);
        if (share == null) {
            return new RedemptionRefused(ErrorCode.SHARE_NOT_FOUND, "No such share link");
        }
        Optional<RedemptionRefused> refusal = sessionRefusal(true)
                .or(() -> shares.refusal(share, command.viewer(), user, command.presentedAt()))
                .or(this::ownerAbsence);
        if (refusal.isPresent()) {
            if (refusal.get().code() == ErrorCode.SHARE_EXPIRED && share.state() == ShareState.OPEN) {
                apply(new ShareExpiredEvent(sessionId, share.shareId(), false));
            }
            return refusal.get();
        }
        apply(new SharedSessionJoinedEvent(sessionId, share.shareId(), user, command.viewer(), share.mode(),
                command.clientAddress(), command.connectTokenId(), command.connectTokenHash(),
                command.connectExpiresAt()));
        return RedemptionAccepted.viewer(sessionId, desktopId, command.viewer(), share.mode(), share.shareId());
    }

    /**
     * A share's time is up: an unused link runs out, and a viewer who joined is cut off. Early, repeated or late
     * (the share ended otherwise) commands change nothing.
     */
    @CommandHandler
    boolean handle(ExpireShareCommand command) {
        Optional<SessionShares.Share> share = shares.byId(command.shareId())
                .filter(s -> s.state() == ShareState.OPEN || s.state() == ShareState.JOINED)
                .filter(s -> !command.at().isBefore(s.expiresAt()));
        share.ifPresent(s -> apply(new ShareExpiredEvent(sessionId, s.shareId(), false)));
        return share.isPresent();
    }

    @CommandHandler
    void handle(RevokeShareCommand command) {
        SessionShares.Share share = shares.byId(command.shareId()).orElseThrow(() -> new BrokerException(
                ErrorCode.SHARE_NOT_FOUND, "Session " + sessionId + " has no share " + command.shareId()));
        if (share.state() == ShareState.OPEN || share.state() == ShareState.JOINED) {
            apply(new ShareRevokedEvent(sessionId, share.shareId(), share.joinedBy(), command.by()));
        }
    }

    /** A viewer's tunnel closed; reports about anyone else, or after the share was withdrawn, change nothing. */
    @CommandHandler
    boolean handle(RecordShareLeftCommand command) {
        Optional<SessionShares.Share> share = shares.joinedBy(command.viewer());
        if (share.isEmpty()) {
            return false;
        }
        apply(new SharedSessionLeftEvent(sessionId, share.get().shareId(), command.viewer(), command.gatewayId(),
                command.reason(), command.leftAt()));
        return true;
    }

    /** A message goes to an open session only; a repeated one (same id) is a no-op. */
    @CommandHandler
    void handle(SendSessionMessageCommand command) {
        if (!state.open()) {
            throw new BrokerException(ErrorCode.SESSION_ENDED, "Session " + sessionId + " is over (" + state + ")");
        }
        if (!messages.contains(command.messageId())) {
            apply(new SessionMessageSentEvent(sessionId, command.messageId(), user, command.text(), command.by()));
        }
    }

    @CommandHandler
    void handle(IssueConnectionTokenCommand command) {
        if (!user.equals(command.user())) {
            throw new BrokerException(ErrorCode.TOKEN_WRONG_USER, "Session " + sessionId + " belongs to someone else");
        }
        if (!state.open()) {
            throw new BrokerException(ErrorCode.SESSION_ENDED, "Session " + sessionId + " is over (" + state + ")");
        }
        if (state == SessionState.REQUESTED) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Session " + sessionId + " has no desktop yet");
        }
        if (!tokens.knows(command.tokenHash())) {
            apply(new ConnectionTokenIssuedEvent(sessionId, command.tokenId(), command.tokenHash(), command.expiresAt(), user));
        }
    }

    /**
     * Records the outcome either way: a refusal is an event too, and is answered, not thrown, so it is kept.
     * An accepted token, connect or resume, is used up and the next resume token is issued with it.
     */
    @CommandHandler
    RedemptionOutcome handle(RedeemConnectionTokenCommand command) {
        Optional<RedemptionRefused> refusal = viewersShareEnded(command.tokenHash())
                .or(() -> tokens.refusal(command.tokenHash(), command.presentedAt(), this::mayConnect,
                        resumableUntil(command.resumeTtl())))
                .or(() -> sessionRefusal(command.desktopAvailable()));
        UUID tokenId = tokens.idOf(command.tokenHash()).orElse(null);
        if (refusal.isPresent()) {
            apply(new ConnectionTokenRejectedEvent(sessionId, tokenId, refusal.get().code(), command.gatewayId(),
                    command.clientAddress()));
            return refusal.get();
        }
        String connecting = tokens.userOf(command.tokenHash()).orElseThrow();
        Optional<RedemptionRefused> absent = connecting.equals(user) ? Optional.empty() : ownerAbsence();
        if (absent.isPresent()) {
            apply(new ConnectionTokenRejectedEvent(sessionId, tokenId, absent.get().code(), command.gatewayId(),
                    command.clientAddress()));
            return absent.get();
        }
        apply(new ConnectionTokenRedeemedEvent(sessionId, tokenId, desktopId, connecting, command.gatewayId(),
                command.clientAddress(), command.connectionHash()));
        apply(new ResumeTokenIssuedEvent(sessionId, command.resumeTokenId(), command.resumeTokenHash(),
                command.presentedAt().plus(command.resumeTtl()), connecting));
        if (connecting.equals(user)) {
            return new RedemptionAccepted(sessionId, desktopId, connecting);
        }
        SessionShares.Share share = sharedThrough(command.tokenHash(), connecting).orElseThrow();
        return RedemptionAccepted.viewer(sessionId, desktopId, connecting, share.mode(), share.shareId());
    }

    /**
     * The share a viewer's token belongs to; for tokens issued before tokens named their share, the share the viewer
     * joined through last and which stands.
     */
    private Optional<SessionShares.Share> sharedThrough(String tokenHash, String viewer) {
        Optional<UUID> shareId = tokens.shareOf(tokenHash);
        return shareId.isPresent() ? shares.byId(shareId.get()) : shares.joinedBy(viewer);
    }

    /**
     * A viewer's token after the share it belongs to ended, or the session did: why, so that the viewer's page can say
     * (a reconnect after the session ended says so, not that the token is someone else's). A viewer who joined
     * through several links keeps only the tunnels of those that stand: a token of a withdrawn link never continues
     * under another one.
     */
    private Optional<RedemptionRefused> viewersShareEnded(String tokenHash) {
        Optional<String> viewer = tokens.userOf(tokenHash).filter(v -> !v.equals(user));
        if (viewer.isEmpty()) {
            return Optional.empty();
        }
        if (!state.open()) {
            // every share ended with the session: that is the reason the viewer's page gives
            return Optional.of(new RedemptionRefused(ErrorCode.SESSION_ENDED, "Session " + sessionId + " is over"));
        }
        Optional<SessionShares.Share> ended = tokens.shareOf(tokenHash).isPresent()
                ? sharedThrough(tokenHash, viewer.get())
                        .filter(s -> s.state() == ShareState.REVOKED || s.state() == ShareState.EXPIRED)
                : viewer.filter(v -> shares.joinedBy(v).isEmpty()).flatMap(shares::lastEndedFor);
        return ended.map(share -> share.state() == ShareState.REVOKED
                ? new RedemptionRefused(ErrorCode.SHARE_REVOKED, "The owner withdrew this share")
                : new RedemptionRefused(ErrorCode.SHARE_EXPIRED, "This share ran out at " + share.expiresAt()));
    }

    /** The session's user, or a viewer whose share still stands. */
    private boolean mayConnect(String tokenUser) {
        return tokenUser.equals(user) || shares.joinedBy(tokenUser).isPresent();
    }

    /** Resume tokens stay good while a tunnel is open, and for {@code ttl} after the last one closed. */
    private Instant resumableUntil(Duration ttl) {
        if (openConnections > 0) {
            return Instant.MAX;
        }
        return lastDisconnectedAt == null ? Instant.MIN : lastDisconnectedAt.plus(ttl);
    }

    /** A viewer watches the owner's display only while the owner is connected. */
    private Optional<RedemptionRefused> ownerAbsence() {
        if (state == SessionState.CONNECTED) {
            return Optional.empty();
        }
        return Optional.of(new RedemptionRefused(ErrorCode.SHARE_OWNER_ABSENT, "The owner of session " + sessionId
                + " is not connected right now; open the link again once they are"));
    }

    private Optional<RedemptionRefused> sessionRefusal(boolean desktopAvailable) {
        if (!state.open()) {
            return Optional.of(new RedemptionRefused(ErrorCode.SESSION_ENDED, "Session " + sessionId + " is over"));
        }
        if (desktopId == null || !desktopAvailable) {
            return Optional.of(new RedemptionRefused(ErrorCode.DESKTOP_GONE,
                    "The desktop of session " + sessionId + " is no longer available"));
        }
        return Optional.empty();
    }

    /** Telemetry may arrive late: for a session that is over (or not yet served) there is nothing to record. */
    @CommandHandler
    boolean handle(RecordSessionConnectedCommand command) {
        if (!acceptsConnections()) {
            return false;
        }
        apply(new SessionConnectedEvent(sessionId, desktopId, user, command.gatewayId(), command.clientAddress(),
                command.connectedAt(), openConnections + 1));
        return true;
    }

    @CommandHandler
    boolean handle(RecordSessionDisconnectedCommand command) {
        if (!acceptsConnections()) {
            return false;
        }
        apply(new SessionDisconnectedEvent(sessionId, desktopId, user, command.gatewayId(), command.reason(),
                command.durationMillis(), command.bytesToClient(), command.bytesFromClient(), command.disconnectedAt(),
                Math.max(0, openConnections - 1)));
        return true;
    }

    private boolean acceptsConnections() {
        return state.open() && state != SessionState.REQUESTED;
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
    void on(ConnectionTokenIssuedEvent event) {
        tokens.issued(event);
    }

    @EventSourcingHandler
    void on(ResumeTokenIssuedEvent event) {
        tokens.issued(event);
    }

    @EventSourcingHandler
    void on(ConnectionTokenRedeemedEvent event) {
        tokens.redeemed(event.tokenId());
    }

    @EventSourcingHandler
    void on(SessionConnectedEvent event) {
        openConnections = event.openConnections();
        state = SessionState.CONNECTED;
    }

    @EventSourcingHandler
    void on(SessionDisconnectedEvent event) {
        openConnections = event.openConnections();
        state = openConnections > 0 ? SessionState.CONNECTED : SessionState.DISCONNECTED;
        if (openConnections == 0) {
            lastDisconnectedAt = event.disconnectedAt();
        }
    }

    @EventSourcingHandler
    void on(SessionSharedEvent event) {
        shares.shared(event);
    }

    @EventSourcingHandler
    void on(SharedSessionJoinedEvent event) {
        shares.joined(event);
        tokens.issued(event);
    }

    @EventSourcingHandler
    void on(ShareRevokedEvent event) {
        shares.revoked(event.shareId());
    }

    @EventSourcingHandler
    void on(ShareExpiredEvent event) {
        shares.expired(event.shareId());
    }

    @EventSourcingHandler
    void on(SessionFailedEvent event) {
        state = SessionState.FAILED;
    }

    @EventSourcingHandler
    void on(SessionMessageSentEvent event) {
        messages.add(event.messageId());
    }

    @EventSourcingHandler
    void on(SessionEndedEvent event) {
        state = SessionState.ENDED;
    }
}
