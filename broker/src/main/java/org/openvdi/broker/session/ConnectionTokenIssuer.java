package org.openvdi.broker.session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
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
        ConnectionToken token = ConnectionToken.random();
        UUID tokenId = UUID.randomUUID();
        Instant expiresAt = Instant.now().plus(properties.tokenTtl()).truncatedTo(ChronoUnit.MILLIS);
        commands.send(new IssueConnectionTokenCommand(sessionId, tokenId, token.hash(), expiresAt, user), user);
        log.info("Connection token {} issued for session {} of {}, valid until {}", tokenId, sessionId, user, expiresAt);
        // the session's id is no secret: a reloaded tab keeps it, and asks the signed-in portal for a fresh link with it
        return new ConnectionOffer(connectUrl(token, sessionId), expiresAt);
    }

    /** The gateway's page with a one-time token of the session. */
    String connectUrl(ConnectionToken token, UUID sessionId) {
        return gatewayUrl + "/connect?token=" + token.value() + "&session=" + sessionId;
    }
}
