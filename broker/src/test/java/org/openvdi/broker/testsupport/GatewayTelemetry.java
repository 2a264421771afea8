package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Connection telemetry records as the gateway writes them to {@code openvdi.connections}. */
public final class GatewayTelemetry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaTopic topic;

    public GatewayTelemetry(String bootstrapServers) {
        this.topic = new KafkaTopic(bootstrapServers, "openvdi.connections");
    }

    /** Reports a tunnel opened to the session's desktop; returns the record's event id. */
    public UUID opened(JsonNode session) {
        UUID eventId = UUID.randomUUID();
        send(session, record(eventId, "OPENED", session, null, 0, 0, 0));
        return eventId;
    }

    public UUID closed(JsonNode session, String reason, long durationMillis, long bytesToClient, long bytesFromClient) {
        UUID eventId = UUID.randomUUID();
        send(session, record(eventId, "CLOSED", session, reason, durationMillis, bytesToClient, bytesFromClient));
        return eventId;
    }

    /** Sends a record again as it was first sent: what an at-least-once producer may do. */
    public void resend(JsonNode session, UUID eventId, String type) {
        send(session, record(eventId, type, session, null, 0, 0, 0));
    }

    public void sendRaw(String key, String value) {
        topic.send(key, value);
    }

    private void send(JsonNode session, Map<String, Object> record) {
        try {
            topic.send(session.path("id").asText(), JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> record(UUID eventId, String type, JsonNode session, String reason,
                                              long durationMillis, long bytesToClient, long bytesFromClient) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventId", eventId.toString());
        record.put("type", type);
        record.put("sessionId", session.path("id").asText());
        record.put("desktopId", session.path("desktopId").asText());
        record.put("userName", session.path("user").asText());
        record.put("gatewayId", "gw-test");
        record.put("clientAddress", "192.0.2.7");
        record.put("occurredAt", Instant.now().toString());
        record.put("reason", reason);
        record.put("durationMillis", durationMillis);
        record.put("bytesToClient", bytesToClient);
        record.put("bytesFromClient", bytesFromClient);
        return record;
    }

    @Override
    public void close() {
        topic.close();
    }
}
