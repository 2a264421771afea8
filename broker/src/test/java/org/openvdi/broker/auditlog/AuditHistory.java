package org.openvdi.broker.auditlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.RecordingStartedEvent;
import org.openvdi.broker.recording.api.RecordingStoredEvent;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;

/**
 * Builds a history of real events, serialized by the broker's own serializer into its real event store, with
 * chosen timestamps and actors: what the commands would have recorded, without waiting for real desktops.
 */
final class AuditHistory {

    private final EventStorageEngine storage;
    private final Map<String, Long> sequences = new HashMap<>();
    private final List<DomainEventMessage<?>> pending = new ArrayList<>();

    AuditHistory(EventStorageEngine storage) {
        this.storage = storage;
    }

    AuditHistory event(String aggregateType, UUID aggregateId, Object payload, String actor, Instant at) {
        long sequence = sequences.merge(aggregateId.toString(), 1L, Long::sum) - 1;
        pending.add(new GenericDomainEventMessage<>(aggregateType, aggregateId.toString(), sequence, payload,
                Map.of("user", actor), UUID.randomUUID().toString(), at));
        return this;
    }

    /** Appends what was built so far, in batches of 1,000 events. */
    void append() {
        for (int from = 0; from < pending.size(); from += 1000) {
            storage.appendEvents(pending.subList(from, Math.min(pending.size(), from + 1000)));
        }
        pending.clear();
    }

    /** The ids of a small estate: a host, a template with one version, a pool. */
    record Estate(UUID hostId, UUID templateId, UUID poolId, String sha256) {
    }

    Estate estate(String suffix, Instant at) {
        Estate estate = new Estate(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "ab".repeat(32));
        event("Host", estate.hostId(), new HostRegisteredEvent(estate.hostId(), "kvm-" + suffix, "test:///default",
                VirtType.QEMU, 10, "default", "127.0.0.1", "admin"), "admin", at);
        event("Template", estate.templateId(), new TemplateRegisteredEvent(estate.templateId(), "Tiny " + suffix, 1, 256,
                "admin", null), "admin", at);
        event("Template", estate.templateId(), new TemplateVersionPublishedEvent(estate.templateId(), 1, "/images/t.img",
                estate.sha256(), "qcow2", 1024, "admin"), "admin", at);
        event("DesktopPool", estate.poolId(), new PoolCreatedEvent(estate.poolId(), "Pool " + suffix, estate.templateId(), 1,
                PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 1, 5, Set.of("alice"), Set.of(), "admin"), "admin", at);
        return estate;
    }

    /** A whole session of {@code user} on a new desktop: requested at {@code at}, ended an hour later. */
    UUID session(Estate estate, String user, Instant at, String endReason) {
        UUID desktopId = UUID.randomUUID();
        UUID sessionId = UUID.randomUUID();
        event("Desktop", desktopId, new DesktopProvisioningRequestedEvent(desktopId, estate.poolId(), estate.hostId(),
                estate.templateId(), 1, null), "system", at.minusSeconds(600));
        event("Session", sessionId, new SessionRequestedEvent(sessionId, estate.poolId(), user), user, at);
        event("Session", sessionId, new DesktopAssignedToSessionEvent(sessionId, desktopId, user), "system", at.plusSeconds(60));
        event("Desktop", desktopId, new DesktopAssignedEvent(desktopId, sessionId, user, false), "system", at.plusSeconds(60));
        event("Session", sessionId, new SessionConnectedEvent(sessionId, desktopId, user, "gw-1", "10.0.0.5",
                at.plusSeconds(120), 1), "gateway", at.plusSeconds(120));
        event("Session", sessionId, new SessionDisconnectedEvent(sessionId, desktopId, user, "gw-1", "closed", 1000, 10, 10,
                at.plusSeconds(3000), 0), "gateway", at.plusSeconds(3000));
        event("Session", sessionId, new SessionEndedEvent(sessionId, desktopId, user, endReason, user), user, at.plusSeconds(3600));
        event("Desktop", desktopId, new DesktopReleasedEvent(desktopId, sessionId, user), "system", at.plusSeconds(3600));
        return sessionId;
    }

    /**
     * A recording of the session's connection, as the redemption starts it and the scanner stores it, started at
     * {@code at}, stored ten minutes later and played by audrey an hour after that.
     */
    UUID recording(Estate estate, UUID sessionId, String user, Instant at) {
        UUID recordingId = UUID.randomUUID();
        event("Recording", recordingId, new RecordingStartedEvent(recordingId, sessionId, UUID.randomUUID(),
                estate.poolId(), user, sessionId + "-" + recordingId + ".guac", at), "system", at);
        event("Recording", recordingId, new RecordingStoredEvent(recordingId, sessionId, 4096, "cd".repeat(32),
                at.plusSeconds(600)), "system", at.plusSeconds(600));
        event("Recording", recordingId, new RecordingPlayedEvent(recordingId, sessionId, "audrey", "10.0.0.9"), "audrey",
                at.plusSeconds(4200));
        return recordingId;
    }
}
