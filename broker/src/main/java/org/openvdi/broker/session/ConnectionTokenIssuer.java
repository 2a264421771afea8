package org.openvdi.broker.session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.api.ConnectionTokenGrant;
import org.openvdi.broker.session.api.IssueConnectionTokenCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Issues one-time connection tokens: draws the token, has the session record its hash, and builds
 * the gateway URL that carries it ({@code /connect?token=<token>&session=<session id>}). The session decides whether
 * it may have one.
 */
@Component
public class ConnectionTokenIssuer {

    private static final Logger log = LoggerFactory.getLogger(ConnectionTokenIssuer.class);

    private final AuditedCommands commands;
    private final ConnectProperties properties;
    private final String gatewayUrl;

    ConnectionTokenIssuer(AuditedCommands commands, ConnectProperties properties,
                          @Value("${openvdi.gateway-url}") String gatewayUrl) {
        this.commands = commands;
        this.properties = properties;
        this.gatewayUrl = gatewayUrl.endsWith("/") ? gatewayUrl.substring(0, gatewayUrl.length() - 1) : gatewayUrl;
    }

    /** A token for the session's own user; the session refuses it to anyone else, and while it has no desktop or is over. */
    public ConnectionOffer issue(UUID sessionId, String user) {
        DrawnToken token = draw();
        commands.send(new IssueConnectionTokenCommand(sessionId, token.id(), token.token().hash(), token.expiresAt(), user),
                user);
        return offer(token, sessionId, user);
    }

    /**
     * A fresh token, not recorded yet: its {@link DrawnToken#grant() grant} goes into the command that records it (the
     * desktop's assignment to a new session), and only once that command succeeded is it {@link #offer offered}.
     */
    public DrawnToken draw() {
        return new DrawnToken(ConnectionToken.random(), UUID.randomUUID(),
                Instant.now().plus(properties.tokenTtl()).truncatedTo(ChronoUnit.MILLIS));
    }

    /** The connect URL of a token that the session has recorded. */
    public ConnectionOffer offer(DrawnToken token, UUID sessionId, String user) {
        log.info("Connection token {} issued for session {} of {}, valid until {}", token.id(), sessionId, user,
                token.expiresAt());
        // the session's id is no secret: a reloaded tab keeps it, and asks the signed-in portal for a fresh link with it
        return new ConnectionOffer(connectUrl(token.token(), sessionId), token.expiresAt());
    }

    /** A token drawn for a session, with its id and expiry; only its hash ever leaves the broker's memory. */
    public record DrawnToken(ConnectionToken token, UUID id, Instant expiresAt) {

        public ConnectionTokenGrant grant() {
            return new ConnectionTokenGrant(id, token.hash(), expiresAt);
        }
    }

    /** The gateway's page with a one-time token of the session. */
    String connectUrl(ConnectionToken token, UUID sessionId) {
        return gatewayUrl + "/connect?token=" + token.value() + "&session=" + sessionId;
    }
}
