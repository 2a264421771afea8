package org.openvdi.broker.auditlog;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
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
import org.openvdi.broker.security.api.UserSignedInEvent;
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
import org.openvdi.broker.store.StoredEventReader;
import org.openvdi.broker.telemetry.api.ConnectionTelemetryRefusedEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes events into one set of audit tables ({@link AuditTables}): the live projection and a replay use the same
 * code, so a replay that differs from the live tables shows a fault, never two interpretations. Events come in
 * batches: the rows a batch touches are read in a few queries, changed in memory in the order of the events, and
 * written back in one JDBC batch per table ({@link AuditRows}). Every write is idempotent (an event handled twice
 * after a retry changes nothing more, but for a session's connection count, as before), and every time comes from
 * the event. The caller decides the transaction: the live projection writes a batch with the processor's token.
 */
class AuditLogWriter {

    /** The payload types written here besides the changes of audited objects; other events are not even deserialized. */
    private static final Set<Class<?>> WRITTEN = Set.of(SessionRequestedEvent.class, DesktopAssignedToSessionEvent.class,
            ConnectionTokenRedeemedEvent.class, SessionConnectedEvent.class, SessionDisconnectedEvent.class,
            SessionEndedEvent.class, SessionFailedEvent.class, DesktopProvisioningRequestedEvent.class,
            DesktopRecomposedEvent.class, DesktopAssignedEvent.class, DesktopReleasedEvent.class, DesktopDestroyedEvent.class,
            DesktopLostEvent.class, TemplateVersionPublishedEvent.class, ConnectionTokenRejectedEvent.class,
            SignInThrottledEvent.class, ConnectionTelemetryRefusedEvent.class, EventChainVerifiedEvent.class,
            AuditDataReadEvent.class, RecordingStoredEvent.class, RecordingPlayedEvent.class, UserSignedInEvent.class);

    /** The metadata key of the acting user, the only metadata the audit log reads. */
    static final String ACTOR = "user";

    /**
     * The stored events a rebuild reads: those of the payload types above, and every event of an audited object's
     * aggregate (its changes). {@link #write} takes the same ones out of whatever it is given.
     */
    static final StoredEventReader.Selection SELECTION = StoredEventReader.Selection.of(WRITTEN,
            Arrays.stream(AuditedObjectType.values()).map(AuditedObjectType::aggregate)
                    .filter(aggregate -> AuditedObjectType.ofAggregate(aggregate) != null).toList(), Set.of(ACTOR));

    private final JdbcTemplate jdbc;
    private final AuditTables t;
    private final ChangeLogWriter changes;
    private final ObjectMapper json;
    private final boolean copyNew;
    /** A rebuild's rows, kept from batch to batch ({@link AuditRows#retaining}); null for the live projection. */
    private final AuditRows retained;

    AuditLogWriter(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json) {
        this(jdbc, tables, json, false);
    }

    private AuditLogWriter(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json, boolean copyNew) {
        this.jdbc = jdbc;
        this.t = tables;
        this.json = json;
        this.copyNew = copyNew;
        this.changes = new ChangeLogWriter(json);
        this.retained = copyNew ? AuditRows.retaining(jdbc, tables, json) : null;
    }

    /**
     * A writer of a rebuild's own tables, which nothing else writes: it computes every row as the live writer does,
     * keeps the rows in memory from batch to batch and copies each into the tables once, when the batches no longer
     * use it, instead of reading and upserting it batch by batch ({@link AuditRows#retaining}). Its caller ends
     * with {@link #finish}.
     */
    static AuditLogWriter rebuilding(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json) {
        return new AuditLogWriter(jdbc, tables, json, true);
    }

    /** Writes {@code events}, in their order, as one batch. */
    void write(List<? extends EventMessage<?>> events) {
        List<EventMessage<?>> written = events.stream().filter(AuditLogWriter::written).collect(Collectors.toList());
        if (written.isEmpty()) {
            return;
        }
        AuditRows rows = retained != null ? retained : new AuditRows(jdbc, t, json, copyNew);
        load(written, rows);
        for (EventMessage<?> event : written) {
            write(event, rows);
        }
        rows.store();
    }

    /** Writes what a rebuild's writer still holds in memory; nothing for the live projection's. */
    void finish() {
        if (retained != null) {
            retained.finish();
        }
    }

    private static boolean written(EventMessage<?> event) {
        return WRITTEN.contains(event.getPayloadType()) || event instanceof DomainEventMessage<?> domain
                && AuditedObjectType.ofAggregate(domain.getType()) != null;
    }

    /** Reads the rows the events name, a query per table; rows found only while writing are read one by one. */
    private static void load(List<EventMessage<?>> events, AuditRows rows) {
        Set<UUID> sessions = new HashSet<>();
        Set<UUID> desktops = new HashSet<>();
        Set<UUID> objects = new HashSet<>();
        Set<String> changeIds = new HashSet<>();
        List<UUID[]> holders = new ArrayList<>();
        Set<UUID> closing = new HashSet<>();
        for (EventMessage<?> event : events) {
            if (event instanceof DomainEventMessage<?> domain && AuditedObjectType.ofAggregate(domain.getType()) != null) {
                objects.add(UUID.fromString(domain.getAggregateIdentifier()));
                changeIds.add(event.getIdentifier());
            }
            Object payload = event.getPayload();
            if (payload instanceof SessionRequestedEvent e) {
                sessions.add(e.sessionId());
                objects.add(e.poolId());
            } else if (payload instanceof DesktopAssignedToSessionEvent e) {
                sessions.add(e.sessionId());
                desktops.add(e.desktopId());
            } else if (payload instanceof ConnectionTokenRedeemedEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof SessionConnectedEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof SessionDisconnectedEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof SessionEndedEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof SessionFailedEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof RecordingStoredEvent e) {
                sessions.add(e.sessionId());
            } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
                desktops.add(e.desktopId());
            } else if (payload instanceof DesktopRecomposedEvent e) {
                desktops.add(e.desktopId());
            } else if (payload instanceof DesktopAssignedEvent e) {
                holders.add(new UUID[] {e.desktopId(), e.sessionId()});
            } else if (payload instanceof DesktopReleasedEvent e) {
                holders.add(new UUID[] {e.desktopId(), e.sessionId()});
            } else if (payload instanceof DesktopDestroyedEvent e) {
                closing.add(e.desktopId());
            } else if (payload instanceof DesktopLostEvent e) {
                closing.add(e.desktopId());
            }
        }
        rows.loadSessions(sessions);
        rows.loadDesktops(desktops);
        rows.loadObjects(objects);
        rows.loadChanges(changeIds);
        rows.loadHolders(holders, closing);
    }

    private void write(EventMessage<?> event, AuditRows rows) {
        Object payload = event.getPayload();
        OffsetDateTime at = utc(event.getTimestamp());
        String actor = actor(event);
        if (event instanceof DomainEventMessage<?> domain) {
            AuditedObjectType type = AuditedObjectType.ofAggregate(domain.getType());
            if (type != null) {
                changes.write(domain, type, actor, rows);
            }
        }
        if (payload instanceof SessionRequestedEvent e) {
            SessionRow row = new SessionRow(e.sessionId());
            row.user = e.user();
            row.poolId = e.poolId();
            row.poolName = rows.objectName(e.poolId());
            row.state = SessionState.REQUESTED;
            row.requestedAt = at;
            rows.addSession(row);
        } else if (payload instanceof DesktopAssignedToSessionEvent e) {
            rows.session(e.sessionId()).ifPresent(s -> {
                Optional<AuditRows.Desktop> desktop = rows.desktop(e.desktopId());
                s.desktopId = e.desktopId();
                s.assignedAt = at;
                s.state = SessionState.READY;
                s.hostId = desktop.map(AuditRows.Desktop::hostId).orElse(null);
                s.hostName = s.hostId == null ? null : rows.objectName(s.hostId);
                s.templateId = desktop.map(AuditRows.Desktop::templateId).orElse(null);
                s.templateName = s.templateId == null ? null : rows.objectName(s.templateId);
                s.imageVersion = desktop.map(AuditRows.Desktop::templateVersion).orElse(null);
                s.imageSha256 = rows.imageSha256(s.templateId, s.imageVersion);
                rows.changed(s);
            });
        } else if (payload instanceof ConnectionTokenRedeemedEvent e) {
            rows.session(e.sessionId()).ifPresent(s -> {
                s.clientAddress = s.clientAddress != null ? s.clientAddress : e.clientAddress();
                rows.changed(s);
            });
        } else if (payload instanceof SessionConnectedEvent e) {
            rows.session(e.sessionId()).ifPresent(s -> {
                OffsetDateTime connected = e.connectedAt() != null ? utc(e.connectedAt()) : at;
                s.connectedAt = s.connectedAt != null ? s.connectedAt : connected;
                s.clientAddress = e.clientAddress();
                s.connections++;
                s.state = SessionState.CONNECTED;
                rows.changed(s);
            });
        } else if (payload instanceof SessionDisconnectedEvent e) {
            if (e.openConnections() == 0) {
                rows.session(e.sessionId()).filter(s -> s.endedAt == null).ifPresent(s -> {
                    s.disconnectedAt = e.disconnectedAt() != null ? utc(e.disconnectedAt()) : at;
                    s.state = SessionState.DISCONNECTED;
                    rows.changed(s);
                });
            }
        } else if (payload instanceof SessionEndedEvent e) {
            rows.session(e.sessionId()).ifPresent(s -> {
                s.endedAt = at;
                s.endReason = e.reason();
                s.endedBy = e.by();
                s.state = SessionState.ENDED;
                rows.changed(s);
            });
        } else if (payload instanceof SessionFailedEvent e) {
            rows.session(e.sessionId()).ifPresent(s -> {
                s.endedAt = at;
                s.endReason = e.code() + ": " + e.reason();
                s.state = SessionState.FAILED;
                rows.changed(s);
            });
        } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
            if (rows.desktop(e.desktopId()).isEmpty()) {
                rows.putDesktop(new AuditRows.Desktop(e.desktopId(), e.poolId(), e.hostId(), e.templateId(),
                        e.templateVersion()));
            }
        } else if (payload instanceof DesktopRecomposedEvent e) {
            rows.desktop(e.desktopId()).ifPresent(d -> rows.putDesktop(new AuditRows.Desktop(d.desktopId(), d.poolId(),
                    d.hostId(), d.templateId(), e.templateVersion())));
        } else if (payload instanceof DesktopAssignedEvent e) {
            if (rows.holder(e.desktopId(), e.sessionId()).isEmpty()) {
                rows.addHolder(new AuditRows.Holder(e.desktopId(), e.sessionId(), e.user(), at, null));
            }
        } else if (payload instanceof DesktopReleasedEvent e) {
            rows.holder(e.desktopId(), e.sessionId()).filter(h -> h.heldUntil == null).ifPresent(h -> {
                h.heldUntil = at;
                rows.changed(h);
            });
        } else if (payload instanceof DesktopDestroyedEvent e) {
            closeHolders(e.desktopId(), at, rows);
        } else if (payload instanceof DesktopLostEvent e) {
            closeHolders(e.desktopId(), at, rows);
        } else if (payload instanceof TemplateVersionPublishedEvent e) {
            rows.addImage(e.templateId(), e.version(), e.sha256());
        } else if (payload instanceof RecordingStoredEvent e) {
            rows.session(e.sessionId()).filter(row -> row.recordingUrl == null).ifPresent(row -> {
                row.recordingUrl = recordingUrl(e.sessionId());
                rows.changed(row);
            });
        } else if (payload instanceof RecordingPlayedEvent e) {
            security(event, SecurityEventKind.RECORDING_PLAYED, e.auditor(), e.clientAddress(), rows);
        } else if (payload instanceof ConnectionTokenRejectedEvent e) {
            security(event, SecurityEventKind.TOKEN_REFUSED, actor, e.clientAddress(), rows);
        } else if (payload instanceof SignInThrottledEvent e) {
            security(event, SecurityEventKind.SIGN_IN_THROTTLED, null, e.clientAddress(), rows);
        } else if (payload instanceof ConnectionTelemetryRefusedEvent) {
            security(event, SecurityEventKind.TELEMETRY_REFUSED, actor, null, rows);
        } else if (payload instanceof EventChainVerifiedEvent e) {
            security(event, SecurityEventKind.CHAIN_VERIFIED, e.auditor(), null, rows);
        } else if (payload instanceof AuditDataReadEvent e) {
            security(event, SecurityEventKind.AUDIT_DATA_READ, e.reader(), null, rows);
        } else if (payload instanceof UserSignedInEvent e) {
            security(event, SecurityEventKind.SIGNED_IN, e.userName(), e.clientAddress(), rows);
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

    private static void closeHolders(UUID desktopId, OffsetDateTime at, AuditRows rows) {
        for (AuditRows.Holder holder : rows.holdersOf(desktopId)) {
            if (holder.heldUntil == null) {
                holder.heldUntil = at;
                rows.changed(holder);
            }
        }
    }

    private void security(EventMessage<?> event, SecurityEventKind kind, String actor, String clientAddress,
                          AuditRows rows) {
        rows.addSecurity(new Object[] {event.getIdentifier(), utc(event.getTimestamp()), kind.name(), actor, clientAddress,
                ChangeLogWriter.jsonb(json.valueToTree(event.getPayload()))});
    }

    /** Who caused the event, as the command's metadata recorded it ({@code system} for the broker's processes). */
    static String actor(EventMessage<?> event) {
        Object user = event.getMetaData().get(ACTOR);
        return user == null ? "system" : user.toString();
    }

    void clear() {
        for (String table : t.all()) {
            jdbc.update("DELETE FROM " + table);
        }
    }
}
