package org.openvdi.broker.telemetry;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.SessionActivity;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.api.RecordSessionConnectedCommand;
import org.openvdi.broker.session.api.RecordShareLeftCommand;
import org.openvdi.broker.session.api.RecordSessionDisconnectedCommand;
import org.openvdi.broker.telemetry.api.TelemetryRefusalReason;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.contract.ConnectionEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records a gateway's telemetry record on its session, once: the record's id goes into
 * {@code processed_telemetry} in the same transaction as the session's event, so a record
 * delivered again (at-least-once) finds its id and is dropped, and a failure leaves neither.
 * <p>
 * Only a record about a connection the broker handed out is recorded: its connection id must be one drawn at a
 * redemption (a secret only the broker and the redeeming gateway know), of the session the record names, and the
 * record must name the gateway that redeemed it. Anything else changes no session and is recorded as a
 * refusal ({@link TelemetryRefusals}), so a forged OPENED cannot connect a session and a forged CLOSED cannot
 * start someone else's disconnect timeout.
 */
@Component
class TelemetryRecorder {

    private static final Logger log = LoggerFactory.getLogger(TelemetryRecorder.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final RedeemedConnectionProjection connections;
    private final TelemetryRefusals refusals;
    private final SessionActivity activity;

    TelemetryRecorder(JdbcClient jdbc, PlatformTransactionManager transactionManager, AuditedCommands commands,
                      SessionQueries sessions, RedeemedConnectionProjection connections, TelemetryRefusals refusals,
                      SessionActivity activity) {
        this.activity = activity;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.commands = commands;
        this.sessions = sessions;
        this.connections = connections;
        this.refusals = refusals;
    }

    /** @return false when the record had been processed before (a duplicate) */
    boolean record(ConnectionEvent record) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            // an ACTIVITY record changes no session and applying it twice changes nothing: it is not kept for
            // de-duplication, so one record per active tunnel every few seconds does not grow processed_telemetry
            int fresh = record.type() == ConnectionEventType.ACTIVITY ? 1 : jdbc.sql("""
                    INSERT INTO processed_telemetry (event_id, session_id, type, processed_at)
                    VALUES (?, ?, ?, now()) ON CONFLICT (event_id) DO NOTHING""")
                    .params(record.eventId(), record.sessionId(), record.type().name()).update();
            if (fresh == 0) {
                log.debug("Telemetry {} of session {} was recorded before; dropped", record.eventId(), record.sessionId());
                return false;
            }
            Optional<TelemetryRefusalReason> refusal = refusal(record);
            if (refusal.isPresent()) {
                refusals.refuse(record, refusal.get());
                return true;
            }
            Optional<String> owner = sessions.find(record.sessionId()).map(s -> s.user());
            if (owner.isEmpty()) {
                log.warn("Telemetry {} ({}) names session {}, which this broker does not know; not recorded",
                        record.eventId(), record.type(), record.sessionId());
                return true;
            }
            if (record.lastInputAt() != null) {
                // a gateway's clock may run ahead: input is never later than the record, nor than now
                Instant at = Collections.min(List.of(record.lastInputAt(), record.occurredAt(), Instant.now()));
                activity.inputAt(record.sessionId(), at);
            }
            if (record.type() == ConnectionEventType.ACTIVITY) {
                log.debug("Session {} had input at {}", record.sessionId(), record.lastInputAt());
                return true;
            }
            if (record.userName() != null && !owner.get().equals(record.userName())) {
                return recordViewer(record);
            }
            Boolean recorded = commands.send(command(record), "gateway:" + record.gatewayId());
            if (Boolean.TRUE.equals(recorded)) {
                log.info("Session {} {} through gateway {} ({})", record.sessionId(),
                        record.type() == ConnectionEventType.OPENED ? "connected" : "disconnected", record.gatewayId(),
                        record.clientAddress());
            } else {
                log.info("Telemetry {} ({}) arrived for session {}, which is over or not served yet; not recorded",
                        record.eventId(), record.type(), record.sessionId());
            }
            return true;
        }));
    }

    /**
     * A viewer's tunnel of a shared session (its connection id was drawn when the viewer's token was redeemed): the
     * session's own connection count stays as it is; a closed tunnel is recorded as the viewer leaving.
     */
    private boolean recordViewer(ConnectionEvent record) {
        if (record.type() != ConnectionEventType.CLOSED) {
            log.info("Viewer {} opened a tunnel of session {} through gateway {}", record.userName(), record.sessionId(),
                    record.gatewayId());
            return true;
        }
        commands.send(new RecordShareLeftCommand(record.sessionId(), record.userName(), record.gatewayId(),
                record.reason(), record.occurredAt()), "gateway:" + record.gatewayId());
        log.info("Viewer {} left session {} ({})", record.userName(), record.sessionId(), record.reason());
        return true;
    }

    private Optional<TelemetryRefusalReason> refusal(ConnectionEvent record) {
        if (record.connectionId() == null || record.connectionId().isBlank() || record.connectionId().length() > 200) {
            return Optional.of(TelemetryRefusalReason.UNKNOWN_CONNECTION);
        }
        Optional<RedeemedConnection> connection = connections.find(ConnectionToken.hashOf(record.connectionId()));
        if (connection.isEmpty()) {
            return Optional.of(TelemetryRefusalReason.UNKNOWN_CONNECTION);
        }
        if (!connection.get().sessionId().equals(record.sessionId())) {
            return Optional.of(TelemetryRefusalReason.WRONG_SESSION);
        }
        if (!connection.get().gatewayId().equals(record.gatewayId())) {
            return Optional.of(TelemetryRefusalReason.WRONG_GATEWAY);
        }
        return Optional.empty();
    }

    private static Object command(ConnectionEvent r) {
        return switch (r.type()) {
            case OPENED -> new RecordSessionConnectedCommand(r.sessionId(), r.gatewayId(), r.clientAddress(), r.occurredAt());
            case CLOSED -> new RecordSessionDisconnectedCommand(r.sessionId(), r.gatewayId(), r.reason(), r.durationMillis(),
                    r.bytesToClient(), r.bytesFromClient(), r.occurredAt());
            case ACTIVITY -> throw new IllegalArgumentException("An activity record changes no session");
        };
    }
}
