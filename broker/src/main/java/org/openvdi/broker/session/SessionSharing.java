package org.openvdi.broker.session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.JoinSharedSessionCommand;
import org.openvdi.broker.session.api.RedemptionAccepted;
import org.openvdi.broker.session.api.RedemptionOutcome;
import org.openvdi.broker.session.api.RedemptionRefused;
import org.openvdi.broker.session.api.RevokeShareCommand;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.session.api.ShareSessionCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Shares a session through one-time links: draws the link's secret (256 random bits, only its SHA-256 is kept), has
 * the session record it, and opens a link for a signed-in viewer: the session uses the link up and records a
 * one-time connect token for the viewer, whose gateway URL goes back to the viewer's browser. The session decides.
 */
@Component
class SessionSharing {

    private static final Logger log = LoggerFactory.getLogger(SessionSharing.class);

    private final AuditedCommands commands;
    private final ShareProjection shares;
    private final ConnectionTokenIssuer tokens;
    private final ConnectProperties connect;
    private final String publicUrl;

    SessionSharing(AuditedCommands commands, ShareProjection shares, ConnectionTokenIssuer tokens,
                   ConnectProperties connect, @Value("${openvdi.public-url}") String publicUrl) {
        this.commands = commands;
        this.shares = shares;
        this.tokens = tokens;
        this.connect = connect;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** The new share with its link, the only time the link's secret is shown. */
    ShareView share(SessionView session, ShareMode mode, Duration expiresIn, String viewer, String by) {
        ConnectionToken secret = ConnectionToken.random();
        UUID shareId = UUID.randomUUID();
        Instant expiresAt = Instant.now().plus(expiresIn).truncatedTo(ChronoUnit.MILLIS);
        commands.send(new ShareSessionCommand(session.id(), shareId, secret.hash(), mode, expiresAt, viewer, by), by);
        log.info("Session {} of {} shared ({}) as {}, for {}, until {}", session.id(), session.user(), mode, shareId,
                viewer == null ? "any signed-in employee" : viewer, expiresAt);
        return shares.find(session.id(), shareId).orElseThrow()
                .withLink(publicUrl + "/shared.html?share=" + secret.value());
    }

    record Joined(UUID sessionId, String owner, ShareMode mode, String connectUrl, Instant expiresAt) {
    }

    /** Opens a share link for {@code viewer}; the first good attempt uses it up, every other is refused. */
    Joined join(String presented, String viewer, String clientAddress) {
        String hash = ConnectionToken.hashOf(presented);
        UUID sessionId = shares.sessionOf(hash).orElseThrow(() -> {
            log.info("{} presented a share link nobody made (forged, mistyped) from {}", viewer, clientAddress);
            return new BrokerException(ErrorCode.SHARE_NOT_FOUND, "No such share link");
        });
        ConnectionToken token = ConnectionToken.random();
        Instant expiresAt = Instant.now().plus(connect.tokenTtl()).truncatedTo(ChronoUnit.MILLIS);
        RedemptionOutcome outcome = commands.send(new JoinSharedSessionCommand(sessionId, hash, viewer, clientAddress,
                Instant.now(), UUID.randomUUID(), token.hash(), expiresAt), viewer);
        if (outcome instanceof RedemptionRefused refused) {
            log.info("{} was refused a share link of session {} from {}: {}", viewer, sessionId, clientAddress,
                    refused.code());
            throw new BrokerException(refused.code(), refused.message());
        }
        RedemptionAccepted accepted = (RedemptionAccepted) outcome;
        String owner = shares.of(sessionId).stream().findFirst().map(ShareView::owner).orElse("");
        log.info("{} joined session {} of {} ({}) from {}", viewer, sessionId, owner, accepted.mode(), clientAddress);
        return new Joined(sessionId, owner, accepted.mode(), tokens.connectUrl(token, sessionId), expiresAt);
    }

    void revoke(UUID sessionId, UUID shareId, String by) {
        commands.send(new RevokeShareCommand(sessionId, shareId, by), by);
        log.info("{} withdrew share {} of session {}", by, shareId, sessionId);
    }
}
