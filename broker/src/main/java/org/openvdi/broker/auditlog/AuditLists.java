package org.openvdi.broker.auditlog;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.auditlog.AuditParameters.Cursor;
import org.openvdi.broker.auditlog.AuditRecords.ChangeEntry;
import org.openvdi.broker.auditlog.AuditRecords.HolderInterval;
import org.openvdi.broker.auditlog.AuditRecords.SecurityEntry;
import org.openvdi.broker.auditlog.AuditRecords.SessionRecord;
import org.openvdi.broker.auditlog.AuditRecords.UserImage;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditedObjectType;
import org.openvdi.broker.auditlog.api.SecurityEventKind;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.stereotype.Component;

/**
 * The audit answers as queries on the live tables, each with the filters it takes. A time range {@code from}/{@code to}
 * selects what overlaps it: sessions and holds that had not ended by {@code from} and began before {@code to};
 * changes and security entries at a time from {@code from} (inclusive) to {@code to} (exclusive).
 */
@Component
class AuditLists {

    static final Set<String> SESSION_FILTERS = Set.of("user", "pool", "desktop", "from", "to");
    static final Set<String> HOLDER_FILTERS = Set.of("at", "from", "to");
    static final Set<String> CHANGE_FILTERS = Set.of("object", "type", "actor", "from", "to");
    static final Set<String> IMAGE_FILTERS = Set.of("from", "to");
    static final Set<String> SECURITY_FILTERS = Set.of("kind", "actor", "from", "to");

    private final ObjectMapper json;

    AuditLists(ObjectMapper json) {
        this.json = json;
    }

    AuditQuery<SessionRecord> sessions(AuditParameters p) {
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.range(from, to);
        return new AuditQuery<>(AuditQueryKind.SESSIONS, "*", "audit_session", "requested_at", "session_id", "uuid",
                AuditLists::session, r -> new Cursor(r.requestedAt(), r.sessionId().toString()))
                .where("user_name = :user", "user", p.principal("user"))
                .where("pool_id = :pool", "pool", p.uuid("pool"))
                .where("desktop_id = :desktop", "desktop", p.uuid("desktop"))
                .where("(ended_at IS NULL OR ended_at >= :from)", "from", from == null ? null : utc(from))
                .where("requested_at < :to", "to", to == null ? null : utc(to));
    }

    AuditQuery<HolderInterval> holders(UUID desktopId, AuditParameters p) {
        Instant at = p.instant("at");
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.range(from, to);
        return new AuditQuery<>(AuditQueryKind.HOLDERS, "*", "audit_holder", "held_from", "session_id", "uuid",
                (rs, row) -> new HolderInterval(rs.getObject("desktop_id", UUID.class), rs.getObject("session_id", UUID.class),
                        rs.getString("user_name"), instant(rs, "held_from"), instant(rs, "held_until")),
                r -> new Cursor(r.heldFrom(), r.sessionId().toString()))
                .where("desktop_id = :desktop", "desktop", desktopId)
                .where("held_from <= :at AND (held_until IS NULL OR held_until > :at)", "at", at == null ? null : utc(at))
                .where("(held_until IS NULL OR held_until >= :from)", "from", from == null ? null : utc(from))
                .where("held_from < :to", "to", to == null ? null : utc(to));
    }

    /** {@code actor} is the filter as the caller may use it (an admin's own name, whatever they asked). */
    AuditQuery<ChangeEntry> changes(AuditParameters p, String actor) {
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.range(from, to);
        AuditedObjectType type = p.enumeration("type", AuditedObjectType.class);
        return new AuditQuery<>(AuditQueryKind.CHANGES, "*", "audit_change", "at", "event_id", "varchar",
                (rs, row) -> new ChangeEntry(rs.getString("event_id"), instant(rs, "at"), rs.getString("actor"),
                        AuditedObjectType.valueOf(rs.getString("object_type")), rs.getObject("object_id", UUID.class),
                        rs.getString("object_name"), rs.getString("action"), node(rs.getString("before")),
                        node(rs.getString("after"))),
                r -> new Cursor(r.at(), r.eventId()))
                .where("object_id = :object", "object", p.uuid("object"))
                .where("object_type = :type", "type", type == null ? null : type.name())
                .where("actor = :actor", "actor", actor)
                .where("at >= :from", "from", from == null ? null : utc(from))
                .where("at < :to", "to", to == null ? null : utc(to));
    }

    AuditQuery<UserImage> images(String user, AuditParameters p) {
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.range(from, to);
        return new AuditQuery<>(AuditQueryKind.USER_IMAGES, "*", "audit_session", "requested_at", "session_id", "uuid",
                (rs, row) -> new UserImage(rs.getObject("session_id", UUID.class), rs.getString("user_name"),
                        instant(rs, "requested_at"), instant(rs, "ended_at"), rs.getObject("pool_id", UUID.class),
                        rs.getString("pool_name"), rs.getObject("desktop_id", UUID.class),
                        rs.getObject("template_id", UUID.class), rs.getString("template_name"),
                        (Integer) rs.getObject("image_version"), rs.getString("image_sha256")),
                r -> new Cursor(r.requestedAt(), r.sessionId().toString()))
                .where("user_name = :user", "user", user)
                .where("template_id IS NOT NULL AND TRUE = :assigned", "assigned", Boolean.TRUE)
                .where("(ended_at IS NULL OR ended_at >= :from)", "from", from == null ? null : utc(from))
                .where("requested_at < :to", "to", to == null ? null : utc(to));
    }

    AuditQuery<SecurityEntry> security(AuditParameters p) {
        Instant from = p.instant("from");
        Instant to = p.instant("to");
        p.range(from, to);
        SecurityEventKind kind = p.enumeration("kind", SecurityEventKind.class);
        return new AuditQuery<>(AuditQueryKind.SECURITY, "*", "audit_security", "at", "event_id", "varchar",
                (rs, row) -> new SecurityEntry(rs.getString("event_id"), instant(rs, "at"),
                        SecurityEventKind.valueOf(rs.getString("kind")), rs.getString("actor"),
                        rs.getString("client_address"), node(rs.getString("detail"))),
                r -> new Cursor(r.at(), r.eventId()))
                .where("kind = :kind", "kind", kind == null ? null : kind.name())
                .where("actor = :actor", "actor", p.principal("actor"))
                .where("at >= :from", "from", from == null ? null : utc(from))
                .where("at < :to", "to", to == null ? null : utc(to));
    }

    private static SessionRecord session(ResultSet rs, int row) throws SQLException {
        return new SessionRecord(rs.getObject("session_id", UUID.class), rs.getString("user_name"),
                rs.getObject("pool_id", UUID.class), rs.getString("pool_name"), rs.getObject("desktop_id", UUID.class),
                rs.getObject("host_id", UUID.class), rs.getString("host_name"), rs.getObject("template_id", UUID.class),
                rs.getString("template_name"), (Integer) rs.getObject("image_version"), rs.getString("image_sha256"),
                rs.getString("client_address"), SessionState.valueOf(rs.getString("state")), instant(rs, "requested_at"),
                instant(rs, "assigned_at"), instant(rs, "connected_at"), instant(rs, "disconnected_at"),
                instant(rs, "ended_at"), rs.getString("end_reason"), rs.getString("ended_by"), rs.getInt("connections"),
                rs.getString("recording_url"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private JsonNode node(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An audit row holds JSON that does not parse", e);
        }
    }
}
