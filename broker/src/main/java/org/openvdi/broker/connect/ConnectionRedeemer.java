package org.openvdi.broker.connect;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.recording.RecordingStarter;
import org.openvdi.broker.rollout.RolloutQueries;
import org.openvdi.broker.session.ConnectProperties;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.SessionView;
import org.openvdi.broker.session.api.RedeemConnectionTokenCommand;
import org.openvdi.broker.session.api.RedemptionAccepted;
import org.openvdi.broker.session.api.RedemptionOutcome;
import org.openvdi.broker.session.api.RedemptionRefused;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.contract.RedeemRequest;
import org.openvdi.contract.ViewerAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Redeems a token a gateway presents (a connect token from the portal, or a resume token from an
 * earlier redemption): finds its session by the token's hash, checks that the desktop still shows a
 * display, and lets the session decide. An accepted token comes back with the next resume token, drawn
 * here and recorded by the session as its hash only, and with a connection id, drawn likewise: the secret the
 * redeeming gateway puts in its telemetry about this connection, so that nobody else can report it. When the session's
 * pool records its sessions, the grant names the file guacd records the connection into. The session records a
 * refusal as an event before it is answered; a token no session issued (forged, mistyped) is logged and counted. A
 * session that a rollout ended at its logoff deadline is refused as SESSION_ENDED_BY_ROLLOUT rather than
 * SESSION_ENDED or (a resume token whose tunnel closed with it) TOKEN_EXPIRED, so the page can say so.
 */
@Component
class ConnectionRedeemer {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRedeemer.class);

    private final ConnectionTokenQueries tokens;
    private final SessionQueries sessions;
    private final DesktopDisplays displays;
    private final AuditedCommands commands;
    private final MeterRegistry meters;
    private final ConnectProperties properties;
    private final RolloutQueries rollouts;
    private final RecordingStarter recordings;

    ConnectionRedeemer(ConnectionTokenQueries tokens, SessionQueries sessions, DesktopDisplays displays,
                       AuditedCommands commands, MeterRegistry meters, ConnectProperties properties,
                       RolloutQueries rollouts, RecordingStarter recordings) {
        this.rollouts = rollouts;
        this.recordings = recordings;
        this.tokens = tokens;
        this.sessions = sessions;
        this.displays = displays;
        this.commands = commands;
        this.meters = meters;
        this.properties = properties;
    }

    ConnectionGrant redeem(RedeemRequest request, String actor) {
        String hash = ConnectionToken.hashOf(request.token());
        IssuedToken token = tokens.byHash(hash).orElseThrow(() -> unknown(request));
        SessionView session = sessions.find(token.sessionId()).orElseThrow(() -> new IllegalStateException(
                "Token " + token.tokenId() + " belongs to session " + token.sessionId() + ", which has no view"));
        ConnectionToken resume = ConnectionToken.random();
        ConnectionToken connection = ConnectionToken.random();
        DisplayEndpoint display;
        try {
            display = displays.of(session);
        } catch (DisplayUnavailableException e) {
            RedemptionOutcome outcome = send(request, session, hash, false, resume, connection, actor);
            throw refusal(request, session, (RedemptionRefused) outcome, e.getMessage(), e.unreachable());
        }
        RedemptionOutcome outcome = send(request, session, hash, true, resume, connection, actor);
        if (outcome instanceof RedemptionRefused refused) {
            throw refusal(request, session, refused, null, false);
        }
        RedemptionAccepted accepted = (RedemptionAccepted) outcome;
        count("REDEEMED");
        log.info("Gateway {} redeemed token {} of session {} ({}) for client {}", request.gatewayId(), token.tokenId(),
                accepted.sessionId(), accepted.user(), request.clientAddress());
        if (accepted.mode() != null) {
            // a viewer joins the owner's connection where the gateway carries it, and otherwise opens a shared one
            // of its own to the display (read-only when viewing only): the password comes along for that case; the
            // owner's connection is recorded already if its pool records, so never a second recording
            return new ConnectionGrant(accepted.sessionId(), accepted.desktopId(), accepted.user(), ConnectionGrant.VNC,
                    display.host(), display.port(), display.password(), resume.value(), connection.value(), null,
                    ViewerAccess.valueOf(accepted.mode().name()), accepted.shareId());
        }
        String recordingName = recordings.startFor(accepted.sessionId(), accepted.desktopId(), session.poolId(),
                accepted.user()).orElse(null);
        return new ConnectionGrant(accepted.sessionId(), accepted.desktopId(), accepted.user(), ConnectionGrant.VNC,
                display.host(), display.port(), display.password(), resume.value(), connection.value(), recordingName);
    }

    private RedemptionOutcome send(RedeemRequest request, SessionView session, String hash, boolean desktopAvailable,
                                   ConnectionToken resume, ConnectionToken connection, String actor) {
        return commands.send(new RedeemConnectionTokenCommand(session.id(), hash, Instant.now(), desktopAvailable,
                request.gatewayId(), request.clientAddress(), UUID.randomUUID(), resume.hash(),
                properties.disconnectTimeout(), connection.hash()), actor);
    }

    private BrokerException refusal(RedeemRequest request, SessionView session, RedemptionRefused refused,
                                    String displayProblem, boolean unreachable) {
        ErrorCode code = refused.code();
        String message = code == ErrorCode.DESKTOP_GONE && displayProblem != null
                ? refused.message() + ": " + displayProblem : refused.message();
        if (code == ErrorCode.DESKTOP_GONE && unreachable) {
            // the desktop is there, its host does not answer: the page says so and tries again, rather than "gone"
            code = ErrorCode.DISPLAY_UNREACHABLE;
            message = "The display of session " + session.id() + " does not answer: " + displayProblem;
        }
        if (code == ErrorCode.SESSION_ENDED || code == ErrorCode.TOKEN_EXPIRED) {
            Optional<Integer> version = rollouts.versionThatLoggedOff(session.id());
            if (version.isPresent()) {
                code = ErrorCode.SESSION_ENDED_BY_ROLLOUT;
                message = "Session " + session.id() + " was ended by the rollout to version " + version.get();
            }
        }
        count(code.name());
        log.info("Gateway {} was refused a token of session {} for client {}: {} ({})", request.gatewayId(), session.id(),
                request.clientAddress(), code, message);
        return new BrokerException(code, message);
    }

    private BrokerException unknown(RedeemRequest request) {
        count(ErrorCode.TOKEN_UNKNOWN.name());
        log.info("Gateway {} presented a token no session issued (forged or mistyped) for client {}",
                request.gatewayId(), request.clientAddress());
        return new BrokerException(ErrorCode.TOKEN_UNKNOWN, "No session issued this token");
    }

    private void count(String outcome) {
        meters.counter("openvdi.connect.redemptions", "outcome", outcome).increment();
    }
}
