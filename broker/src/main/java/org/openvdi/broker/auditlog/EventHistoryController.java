package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The raw event history of one aggregate (admins and auditors). Every read is recorded as a read of audit data
 * ({@code AuditDataReadEvent}, answer {@code EVENTS}), as the audit answers are.
 */
@RestController
@RequestMapping("/api/events")
@Tag(name = "Events", description = "The raw event history of one aggregate, for admins and auditors")
class EventHistoryController {

    private final EventStore eventStore;
    private final ObjectMapper json;
    private final AuditReads reads;

    EventHistoryController(EventStore eventStore, ObjectMapper json, AuditReads reads) {
        this.eventStore = eventStore;
        this.json = json;
        this.reads = reads;
    }

    /** One stored event. {@code actor} is who caused it ("system" for the broker's own processes). */
    record StoredEvent(long sequence, String type, Instant timestamp, String actor, Map<String, Object> payload) {
    }

    @Operation(summary = "Get the raw event history of one aggregate")
    @GetMapping
    List<StoredEvent> history(@RequestParam java.util.UUID aggregateId, Authentication who) {
        List<StoredEvent> history = eventStore.readEvents(aggregateId.toString()).asStream()
                .map(e -> new StoredEvent(e.getSequenceNumber(), e.getPayloadType().getSimpleName(), e.getTimestamp(),
                        (String) e.getMetaData().get("user"), payload(e.getPayload())))
                .toList();
        reads.record(who.getName(), AuditQueryKind.EVENTS, Map.of("aggregateId", aggregateId.toString()),
                AuditReadFormat.PAGE, history.size());
        return history;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> payload(Object payload) {
        return json.convertValue(payload, Map.class);
    }
}
