package org.openvdi.broker.auditlog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;

/**
 * A row of {@code audit_session} while a batch of events works on it ({@link AuditRows}); every column the
 * projection writes.
 */
final class SessionRow {

    static final String COLUMNS = "session_id, user_name, pool_id, pool_name, desktop_id, host_id, host_name, template_id,"
            + " template_name, image_version, image_sha256, client_address, state, requested_at, assigned_at, connected_at,"
            + " disconnected_at, ended_at, end_reason, ended_by, connections, recording_url";

    final UUID sessionId;
    String user;
    UUID poolId;
    String poolName;
    UUID desktopId;
    UUID hostId;
    String hostName;
    UUID templateId;
    String templateName;
    Integer imageVersion;
    String imageSha256;
    String clientAddress;
    SessionState state;
    OffsetDateTime requestedAt;
    OffsetDateTime assignedAt;
    OffsetDateTime connectedAt;
    OffsetDateTime disconnectedAt;
    OffsetDateTime endedAt;
    String endReason;
    String endedBy;
    int connections;
    String recordingUrl;

    SessionRow(UUID sessionId) {
        this.sessionId = sessionId;
    }

    static SessionRow read(ResultSet row) throws SQLException {
        SessionRow s = new SessionRow(row.getObject(1, UUID.class));
        s.user = row.getString(2);
        s.poolId = row.getObject(3, UUID.class);
        s.poolName = row.getString(4);
        s.desktopId = row.getObject(5, UUID.class);
        s.hostId = row.getObject(6, UUID.class);
        s.hostName = row.getString(7);
        s.templateId = row.getObject(8, UUID.class);
        s.templateName = row.getString(9);
        s.imageVersion = row.getObject(10, Integer.class);
        s.imageSha256 = row.getString(11);
        s.clientAddress = row.getString(12);
        s.state = SessionState.valueOf(row.getString(13));
        s.requestedAt = row.getObject(14, OffsetDateTime.class);
        s.assignedAt = row.getObject(15, OffsetDateTime.class);
        s.connectedAt = row.getObject(16, OffsetDateTime.class);
        s.disconnectedAt = row.getObject(17, OffsetDateTime.class);
        s.endedAt = row.getObject(18, OffsetDateTime.class);
        s.endReason = row.getString(19);
        s.endedBy = row.getString(20);
        s.connections = row.getInt(21);
        s.recordingUrl = row.getString(22);
        return s;
    }

    Object[] values() {
        return new Object[] {sessionId, user, poolId, poolName, desktopId, hostId, hostName, templateId, templateName,
                imageVersion, imageSha256, clientAddress, state.name(), requestedAt, assignedAt, connectedAt,
                disconnectedAt, endedAt, endReason, endedBy, connections, recordingUrl};
    }
}
