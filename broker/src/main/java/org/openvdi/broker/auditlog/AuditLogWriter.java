package org.openvdi.broker.auditlog;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.openvdi.broker.auditlog.api.AuditDataReadEvent;
import org.openvdi.broker.auditlog.api.AuditedObjectType;
import org.openvdi.broker.auditlog.api.SecurityEventKind;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecomposedEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.integrity.api.EventChainVerifiedEvent;
import org.openvdi.broker.limits.api.SignInThrottledEvent;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.RecordingStoredEvent;
import org.openvdi.broker.session.api.ConnectionTokenRedeemedEvent;
import org.openvdi.broker.session.api.ConnectionTokenRejectedEvent;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.broker.telemetry.api.ConnectionTelemetryRefusedEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes one event into one set of audit tables ({@link AuditTables}): the live projection and a replay use the same
 * code, so a replay that differs from the live tables shows a fault, never two interpretations. Every write is
 * idempotent (an event handled twice after a retry changes nothing more), and every time comes from the event.
 */
class AuditLogWriter {

    private final JdbcClient jdbc;
    private final AuditTables t;
    private final ChangeLogWriter changes;
    private final ObjectMapper json;

    AuditLogWriter(JdbcClient jdbc, AuditTables tables, ObjectMapper json) {
        this.jdbc = jdbc;
        this.t = tables;
        this.json = json;
        this.changes = new ChangeLogWriter(jdbc, tables, json);
    }

    void write(EventMessage<?> event) {
        Object payload = event.getPayload();
        Instant at = event.getTimestamp();
        String actor = actor(event);
        if (event instanceof DomainEventMessage<?> domain) {
            AuditedObjectType type = AuditedObjectType.ofAggregate(domain.getType());
            if (type != null) {
                changes.write(domain, type, actor);
            }
        }
        if (payload instanceof SessionRequestedEvent e) {
            jdbc.sql("INSERT INTO " + t.session() + " (session_id, user_name, pool_id, pool_name, state, requested_at)"
                            + " VALUES (?, ?, ?, (SELECT state->>'name' FROM " + t.object() + " WHERE object_id = ?), ?, ?)"
                            + " ON CONFLICT (session_id) DO NOTHING")
                    .params(e.sessionId(), e.user(), e.poolId(), e.poolId(), SessionState.REQUESTED.name(), utc(at)).update();
        } else if (payload instanceof DesktopAssignedToSessionEvent e) {
            jdbc.sql("UPDATE " + t.session() + " s SET desktop_id = :desktop, assigned_at = :at, state = :state,"
                            + " host_id = d.host_id, host_name = (SELECT state->>'name' FROM " + t.object() + " WHERE object_id = d.host_id),"
                            + " template_id = d.template_id, template_name = (SELECT state->>'name' FROM " + t.object()
                            + " WHERE object_id = d.template_id), image_version = d.template_version,"
                            + " image_sha256 = (SELECT sha256 FROM " + t.image() + " i WHERE i.template_id = d.template_id"
                            + " AND i.version = d.template_version)"
                            + " FROM (SELECT CAST(:desktop AS uuid) AS desktop_id) k LEFT JOIN " + t.desktop()
                            + " d ON d.desktop_id = k.desktop_id WHERE s.session_id = :session")
                    .param("desktop", e.desktopId()).param("at", utc(at)).param("state", SessionState.READY.name())
                    .param("session", e.sessionId()).update();
        } else if (payload instanceof ConnectionTokenRedeemedEvent e) {
            jdbc.sql("UPDATE " + t.session() + " SET client_address = COALESCE(client_address, ?) WHERE session_id = ?")
                    .params(e.clientAddress(), e.sessionId()).update();
        } else if (payload instanceof SessionConnectedEvent e) {
            Instant connected = e.connectedAt() != null ? e.connectedAt() : at;
            jdbc.sql("UPDATE " + t.session() + " SET connected_at = COALESCE(connected_at, ?), client_address = ?,"
                            + " connections = connections + 1, state = ? WHERE session_id = ?")
                    .params(utc(connected), e.clientAddress(), SessionState.CONNECTED.name(), e.sessionId()).update();
        } else if (payload instanceof SessionDisconnectedEvent e) {
            if (e.openConnections() == 0) {
                Instant disconnected = e.disconnectedAt() != null ? e.disconnectedAt() : at;
                jdbc.sql("UPDATE " + t.session() + " SET disconnected_at = ?, state = ? WHERE session_id = ? AND ended_at IS NULL")
                        .params(utc(disconnected), SessionState.DISCONNECTED.name(), e.sessionId()).update();
            }
        } else if (payload instanceof SessionEndedEvent e) {
            jdbc.sql("UPDATE " + t.session() + " SET ended_at = ?, end_reason = ?, ended_by = ?, state = ? WHERE session_id = ?")
                    .params(utc(at), e.reason(), e.by(), SessionState.ENDED.name(), e.sessionId()).update();
        } else if (payload instanceof SessionFailedEvent e) {
            jdbc.sql("UPDATE " + t.session() + " SET ended_at = ?, end_reason = ?, state = ? WHERE session_id = ?")
                    .params(utc(at), e.code() + ": " + e.reason(), SessionState.FAILED.name(), e.sessionId()).update();
        } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
            jdbc.sql("INSERT INTO " + t.desktop() + " (desktop_id, pool_id, host_id, template_id, template_version)"
                            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (desktop_id) DO NOTHING")
                    .params(e.desktopId(), e.poolId(), e.hostId(), e.templateId(), e.templateVersion()).update();
        } else if (payload instanceof DesktopRecomposedEvent e) {
            jdbc.sql("UPDATE " + t.desktop() + " SET template_version = ? WHERE desktop_id = ?")
                    .params(e.templateVersion(), e.desktopId()).update();
        } else if (payload instanceof DesktopAssignedEvent e) {
            jdbc.sql("INSERT INTO " + t.holder() + " (desktop_id, session_id, user_name, held_from) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (desktop_id, session_id) DO NOTHING")
                    .params(e.desktopId(), e.sessionId(), e.user(), utc(at)).update();
        } else if (payload instanceof DesktopReleasedEvent e) {
            jdbc.sql("UPDATE " + t.holder() + " SET held_until = ? WHERE desktop_id = ? AND session_id = ? AND held_until IS NULL")
                    .params(utc(at), e.desktopId(), e.sessionId()).update();
        } else if (payload instanceof DesktopDestroyedEvent e) {
            closeHolders(e.desktopId(), at);
        } else if (payload instanceof DesktopLostEvent e) {
            closeHolders(e.desktopId(), at);
        } else if (payload instanceof TemplateVersionPublishedEvent e) {
            jdbc.sql("INSERT INTO " + t.image() + " (template_id, version, sha256) VALUES (?, ?, ?)"
                            + " ON CONFLICT (template_id, version) DO NOTHING")
                    .params(e.templateId(), e.version(), e.sha256()).update();
        } else if (payload instanceof RecordingStoredEvent e) {
            jdbc.sql("UPDATE " + t.session() + " SET recording_url = ? WHERE session_id = ? AND recording_url IS NULL")
                    .params(recordingUrl(e.sessionId()), e.sessionId()).update();
        } else if (payload instanceof RecordingPlayedEvent e) {
            security(event, SecurityEventKind.RECORDING_PLAYED, e.auditor(), e.clientAddress());
        } else if (payload instanceof ConnectionTokenRejectedEvent e) {
            security(event, SecurityEventKind.TOKEN_REFUSED, actor, e.clientAddress());
        } else if (payload instanceof SignInThrottledEvent e) {
            security(event, SecurityEventKind.SIGN_IN_THROTTLED, null, e.clientAddress());
        } else if (payload instanceof ConnectionTelemetryRefusedEvent) {
            security(event, SecurityEventKind.TELEMETRY_REFUSED, actor, null);
        } else if (payload instanceof EventChainVerifiedEvent e) {
            security(event, SecurityEventKind.CHAIN_VERIFIED, e.auditor(), null);
        } else if (payload instanceof AuditDataReadEvent e) {
            security(event, SecurityEventKind.AUDIT_DATA_READ, e.reader(), null);
        }
    }

    /**
     * The link from a session's history to its recordings: the player's list of the session's recordings (a session
     * has one per recorded connection). Set when the first of them is stored; it stays after a deletion, and the list
     * then says who deleted it and when.
     */
    static String recordingUrl(UUID sessionId) {
        return "/recordings.html?sessionId=" + sessionId;
    }

    private void closeHolders(UUID desktopId, Instant at) {
        jdbc.sql("UPDATE " + t.holder() + " SET held_until = ? WHERE desktop_id = ? AND held_until IS NULL")
                .params(utc(at), desktopId).update();
    }

    private void security(EventMessage<?> event, SecurityEventKind kind, String actor, String clientAddress) {
        jdbc.sql("INSERT INTO " + t.security() + " (event_id, at, kind, actor, client_address, detail)"
                        + " VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb)) ON CONFLICT (event_id) DO NOTHING")
                .params(event.getIdentifier(), utc(event.getTimestamp()), kind.name(), actor, clientAddress,
                        ChangeLogWriter.jsonb(json.valueToTree(event.getPayload())))
                .update();
    }

    /** Who caused the event, as the command's metadata recorded it ({@code system} for the broker's processes). */
    static String actor(EventMessage<?> event) {
        Object user = event.getMetaData().get("user");
        return user == null ? "system" : user.toString();
    }

    void clear() {
        for (String table : t.all()) {
            jdbc.sql("DELETE FROM " + table).update();
        }
    }
}
