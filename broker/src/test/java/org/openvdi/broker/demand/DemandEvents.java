package org.openvdi.broker.demand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.error.ErrorCode;

/**
 * Builds a demand history of real events, serialized by the broker's own serializer into its real event store, with
 * chosen timestamps: what the commands would have recorded, without waiting for real desktops. Events are appended
 * in the order they are built, so build them in time order.
 */
public final class DemandEvents {

    private final EventStorageEngine storage;
    private final Map<UUID, Long> sequences = new HashMap<>();
    private final List<DomainEventMessage<?>> pending = new ArrayList<>();
    final UUID poolId;
    final UUID hostId = UUID.randomUUID();
    final UUID templateId = UUID.randomUUID();

    DemandEvents(EventStorageEngine storage) {
        this(storage, UUID.randomUUID());
    }

    public DemandEvents(EventStorageEngine storage, UUID poolId) {
        this.storage = storage;
        this.poolId = poolId;
    }

    public DemandEvents event(String type, UUID id, Object payload, Instant at) {
        long sequence = sequences.merge(id, 1L, Long::sum) - 1;
        pending.add(new GenericDomainEventMessage<>(type, id.toString(), sequence, payload, Map.of("user", "system"),
                UUID.randomUUID().toString(), at));
        return this;
    }

    /** The events built and not appended yet, in time order (for writing them without the store). */
    List<DomainEventMessage<?>> pending() {
        List<DomainEventMessage<?>> sorted = new ArrayList<>(pending);
        sorted.sort(java.util.Comparator.comparing(DomainEventMessage::getTimestamp));
        return sorted;
    }

    public void append() {
        pending.sort(java.util.Comparator.comparing(DomainEventMessage::getTimestamp));
        for (int from = 0; from < pending.size(); from += 1000) {
            storage.appendEvents(pending.subList(from, Math.min(pending.size(), from + 1000)));
        }
        pending.clear();
    }

    public UUID provision(Instant requested, Instant ready) {
        UUID desktopId = UUID.randomUUID();
        event("Desktop", desktopId, new DesktopProvisioningRequestedEvent(desktopId, poolId, hostId, templateId, 1, null), requested);
        event("Desktop", desktopId, new DesktopBecameReadyEvent(desktopId, "127.0.0.1", 5900, 1000), ready);
        return desktopId;
    }

    public UUID request(String user, Instant at) {
        UUID sessionId = UUID.randomUUID();
        event("Session", sessionId, new SessionRequestedEvent(sessionId, poolId, user), at);
        return sessionId;
    }

    public void assign(UUID sessionId, UUID desktopId, String user, Instant at) {
        event("Desktop", desktopId, new DesktopAssignedEvent(desktopId, sessionId, user, false), at);
        event("Session", sessionId, new DesktopAssignedToSessionEvent(sessionId, desktopId, user), at);
    }

    public void end(UUID sessionId, UUID desktopId, String user, Instant at) {
        event("Session", sessionId, new SessionEndedEvent(sessionId, desktopId, user, "logoff", user), at);
        event("Desktop", desktopId, new DesktopReleasedEvent(desktopId, sessionId, user), at);
    }

    public void fail(UUID sessionId, Instant at) {
        event("Session", sessionId, new SessionFailedEvent(sessionId, ErrorCode.POOL_FULL, "full"), at);
    }

    public void destroy(UUID desktopId, Instant at) {
        event("Desktop", desktopId, new DesktopDestroyedEvent(desktopId), at);
    }
}
