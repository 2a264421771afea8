package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.api.RedeemConnectionTokenCommand;
import org.openvdi.broker.session.api.RedemptionAccepted;
import org.openvdi.broker.session.api.RedemptionOutcome;

/**
 * A gateway as the broker sees it: it redeems a session's connect token and writes connection telemetry records
 * to {@code openvdi.connections} about that connection, as gateway {@value #GATEWAY_ID}.
 * <p>
 * Desktops on libvirt's test driver show no display, so the redeem call would answer DESKTOP_GONE: the
 * redemption goes to the session directly, as {@code ConnectionRedeemer} sends it once it found the display,
 * with a connection id drawn here as it draws one. Everything after that (the session's decision, its event,
 * the projection of the connection, the telemetry through Kafka) is the product's own.
 */
public final class GatewayTelemetry implements AutoCloseable {

    public static final String GATEWAY_ID = "gw-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaTopic topic;
    private final BrokerHttp http;
    private final AuditedCommands commands;
    private final Map<String, String> connections = new HashMap<>();

    public GatewayTelemetry(String bootstrapServers, BrokerHttp http, AuditedCommands commands) {
        this(new KafkaTopic(bootstrapServers, "openvdi.connections"), http, commands);
    }

    public GatewayTelemetry(KafkaTopic topic, BrokerHttp http, AuditedCommands commands) {
        this.topic = topic;
        this.http = http;
        this.commands = commands;
    }

    /** Redeems a fresh connect token of the session (password {@code demo}) and returns the connection id. */
    public String redeem(JsonNode session) {
        String user = session.path("user").asText();
        UUID sessionId = UUID.fromString(session.path("id").asText());
        String url = http.as(user, "demo").post("/api/sessions/" + sessionId + "/connect", null).body()
                .path("connectUrl").asText();
        String token = url.substring(url.indexOf("token=") + "token=".length()).replaceFirst("&.*$", "");
        ConnectionToken connection = ConnectionToken.random();
        RedemptionOutcome outcome = commands.send(new RedeemConnectionTokenCommand(sessionId, ConnectionToken.hashOf(token),
                Instant.now(), true, GATEWAY_ID, "192.0.2.7", UUID.randomUUID(), ConnectionToken.random().hash(),
                Duration.ofMinutes(10), connection.hash()), "gateway");
        if (!(outcome instanceof RedemptionAccepted)) {
            throw new IllegalStateException("Session " + sessionId + " refused the redemption: " + outcome);
        }
        connections.put(sessionId.toString(), connection.value());
        return connection.value();
    }

    /** Reports a tunnel opened to the session's desktop (redeeming first, once); returns the record's event id. */
    public UUID opened(JsonNode session) {
        UUID eventId = UUID.randomUUID();
        send(session, record(eventId, "OPENED", session, null, 0, 0, 0, connectionOf(session), GATEWAY_ID));
        return eventId;
    }

    public UUID closed(JsonNode session, String reason, long durationMillis, long bytesToClient, long bytesFromClient) {
        UUID eventId = UUID.randomUUID();
        send(session, record(eventId, "CLOSED", session, reason, durationMillis, bytesToClient, bytesFromClient,
                connectionOf(session), GATEWAY_ID));
        return eventId;
    }

    /** Reports keyboard or mouse input in the session's open tunnel, last at {@code lastInputAt} (revision 2). */
    public UUID activity(JsonNode session, Instant lastInputAt) {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> record = record(eventId, "ACTIVITY", session, null, 0, 0, 0, connectionOf(session), GATEWAY_ID);
        record.put("lastInputAt", lastInputAt.toString());
        record.put("revision", 2);
        send(session, record);
        return eventId;
    }

    /** Sends a record again as it was first sent: what an at-least-once producer may do. */
    public void resend(JsonNode session, UUID eventId, String type) {
        send(session, record(eventId, type, session, null, 0, 0, 0, connectionOf(session), GATEWAY_ID));
    }

    /** Writes a record about the session with the given connection id and gateway id, as anyone with access may. */
    public UUID forged(JsonNode session, String type, String connectionId, String gatewayId) {
        UUID eventId = UUID.randomUUID();
        send(session, record(eventId, type, session, "CLOSED".equals(type) ? "forged" : null, 0, 0, 0, connectionId,
                gatewayId));
        return eventId;
    }

    public void sendRaw(String key, String value) {
        topic.send(key, value);
    }

    private String connectionOf(JsonNode session) {
        String connection = connections.get(session.path("id").asText());
        return connection != null ? connection : redeem(session);
    }

    private void send(JsonNode session, Map<String, Object> record) {
        try {
            topic.send(session.path("id").asText(), JSON.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> record(UUID eventId, String type, JsonNode session, String reason,
                                              long durationMillis, long bytesToClient, long bytesFromClient,
                                              String connectionId, String gatewayId) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("eventId", eventId.toString());
        record.put("type", type);
        record.put("sessionId", session.path("id").asText());
        record.put("desktopId", session.path("desktopId").asText());
        record.put("userName", session.path("user").asText());
        record.put("gatewayId", gatewayId);
        record.put("clientAddress", "192.0.2.7");
        record.put("occurredAt", Instant.now().toString());
        record.put("reason", reason);
        record.put("durationMillis", durationMillis);
        record.put("bytesToClient", bytesToClient);
        record.put("bytesFromClient", bytesFromClient);
        record.put("connectionId", connectionId);
        return record;
    }

    @Override
    public void close() {
        topic.close();
    }
}
