package org.openvdi.broker.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/events")
@Tag(name = "Events", description = "The raw event history of one aggregate, for admins and auditors")
class EventHistoryController {

    private final EventStore eventStore;
    private final ObjectMapper json;

    EventHistoryController(EventStore eventStore, ObjectMapper json) {
        this.eventStore = eventStore;
        this.json = json;
    }

    /** One stored event. {@code actor} is who caused it ("system" for the broker's own processes). */
    record StoredEvent(long sequence, String type, Instant timestamp, String actor, Map<String, Object> payload) {
    }

    @GetMapping
    List<StoredEvent> history(@RequestParam java.util.UUID aggregateId) {
        return eventStore.readEvents(aggregateId.toString()).asStream()
                .map(e -> new StoredEvent(e.getSequenceNumber(), e.getPayloadType().getSimpleName(), e.getTimestamp(),
                        (String) e.getMetaData().get("user"), payload(e.getPayload())))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> payload(Object payload) {
        return json.convertValue(payload, Map.class);
    }
}
