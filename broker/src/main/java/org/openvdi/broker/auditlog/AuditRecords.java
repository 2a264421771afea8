package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.auditlog.api.AuditedObjectType;
import org.openvdi.broker.auditlog.api.SecurityEventKind;
import org.openvdi.broker.session.api.SessionState;

/** The rows of the audit answers, as the API and its exports give them. */
final class AuditRecords {

    private AuditRecords() {
    }

    /**
     * One session's history. {@code connectedAt} is the first connection as the gateway reported it,
     * {@code disconnectedAt} the last time no tunnel was left open; {@code recordingUrl} links the session's
     * recording, null while there is none.
     */
    record SessionRecord(UUID sessionId, String user, UUID poolId, String poolName, UUID desktopId, UUID hostId,
                         String hostName, UUID templateId, String templateName, Integer imageVersion, String imageSha256,
                         String clientAddress, SessionState state, Instant requestedAt, Instant assignedAt,
                         Instant connectedAt, Instant disconnectedAt, Instant endedAt, String endReason, String endedBy,
                         int connections, String recordingUrl) {
    }

    /** Someone held a desktop from {@code heldFrom} until {@code heldUntil} (null: still holds it). */
    record HolderInterval(UUID desktopId, UUID sessionId, String user, Instant heldFrom, Instant heldUntil) {
    }

    /** One change: who, when, to what, and the changed values before and after. */
    record ChangeEntry(String eventId, Instant at, String actor, AuditedObjectType objectType, UUID objectId,
                       String objectName, String action, JsonNode before, JsonNode after) {
    }

    /** One entry of the security log; {@code detail} is the event as recorded. */
    record SecurityEntry(String eventId, Instant at, SecurityEventKind kind, String actor, String clientAddress,
                         JsonNode detail) {
    }

    /** The image a user's session ran on. */
    record UserImage(UUID sessionId, String user, Instant requestedAt, Instant endedAt, UUID poolId, String poolName,
                     UUID desktopId, UUID templateId, String templateName, Integer imageVersion, String imageSha256) {
    }
}
