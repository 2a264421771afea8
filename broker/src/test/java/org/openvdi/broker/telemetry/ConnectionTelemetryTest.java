package org.openvdi.broker.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.telemetry.api.ConnectionTelemetryRefusedEvent;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.GatewayTelemetry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gateway's connection telemetry, sent through a real Kafka, recorded on the sessions; records about
 * connections the broker did not hand out to that gateway are refused, recorded as refusals, and change nothing.
 */
class ConnectionTelemetryTest extends DemoBrokerTest {

    private GatewayTelemetry gateway;
    @Autowired
    AuditedCommands commands;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void openTopic() {
        gateway = new GatewayTelemetry(kafka.getBrokersAsString(), http, commands);
    }

    @AfterEach
    void closeTopic() {
        gateway.close();
    }

    private static UUID id(JsonNode session) {
        return UUID.fromString(session.path("id").asText());
    }

    private static boolean inState(JsonNode session, String state) {
        return session.path("state").asText().equals(state);
    }

    /** Waits until the refusal of the record is in the event store, and returns its payload. */
    private JsonNode awaitRefusal(UUID recordId) {
        return await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.sql("""
                        SELECT payload FROM domainevententry WHERE payloadtype = ?""")
                        .param(ConnectionTelemetryRefusedEvent.class.getName()).query(byte[].class).list().stream()
                        .map(this::tree).filter(p -> p.path("recordId").asText().equals(recordId.toString()))
                        .findFirst().orElse(null),
                payload -> payload != null);
    }

    private JsonNode tree(byte[] payload) {
        try {
            return json.readTree(payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void givenNeverRedeemedConnection_whenForgedOpenedArrives_thenSessionStaysReadyAndTheRefusalIsRecorded() {
        JsonNode session = readySession("alice");

        UUID forged = gateway.forged(session, "OPENED", ConnectionToken.random().value(), GatewayTelemetry.GATEWAY_ID);

        JsonNode refusal = awaitRefusal(forged);
        assertThat(refusal.path("reason").asText()).isEqualTo("UNKNOWN_CONNECTION");
        assertThat(refusal.path("type").asText()).isEqualTo("OPENED");
        assertThat(refusal.path("sessionId").asText()).isEqualTo(session.path("id").asText());
        assertThat(as("alice").get("/api/sessions/" + id(session)).body().path("state").asText()).isEqualTo("READY");
        assertThat(eventsOfType(id(session), "SessionConnectedEvent")).isEmpty();
    }

    @Test
    void givenOpenedWithoutConnectionId_whenConsumed_thenRefusedAndSessionStaysReady() {
        JsonNode session = readySession("bob");

        UUID forged = gateway.forged(session, "OPENED", null, GatewayTelemetry.GATEWAY_ID);

        assertThat(awaitRefusal(forged).path("reason").asText()).isEqualTo("UNKNOWN_CONNECTION");
        assertThat(as("bob").get("/api/sessions/" + id(session)).body().path("state").asText()).isEqualTo("READY");
    }

    @Test
    void givenConnectedSession_whenClosedArrivesFromAnotherGateway_thenRefusedAndTheSessionStaysConnected() {
        JsonNode session = readySession("alice");
        gateway.opened(session);
        awaitSession("alice", id(session), s -> inState(s, "CONNECTED"));
        String connection = gateway.redeem(session);

        UUID forged = gateway.forged(session, "CLOSED", connection, "gw-elsewhere");

        assertThat(awaitRefusal(forged).path("reason").asText()).isEqualTo("WRONG_GATEWAY");
        assertThat(as("alice").get("/api/sessions/" + id(session)).body().path("state").asText()).isEqualTo("CONNECTED");
        assertThat(eventsOfType(id(session), "SessionDisconnectedEvent")).isEmpty();
    }

    @Test
    void givenConnectedSession_whenClosedArrivesWithTheConnectionOfAnotherSession_thenRefusedAndItStaysConnected() {
        JsonNode victim = readySession("alice");
        gateway.opened(victim);
        awaitSession("alice", id(victim), s -> inState(s, "CONNECTED"));
        String ownConnection = gateway.redeem(readySession("bob"));

        UUID forged = gateway.forged(victim, "CLOSED", ownConnection, GatewayTelemetry.GATEWAY_ID);

        assertThat(awaitRefusal(forged).path("reason").asText()).isEqualTo("WRONG_SESSION");
        assertThat(as("alice").get("/api/sessions/" + id(victim)).body().path("state").asText()).isEqualTo("CONNECTED");
        assertThat(eventsOfType(id(victim), "SessionDisconnectedEvent")).isEmpty();
    }

    @Test
    void givenReadySession_whenGatewayReportsOpenedThenClosed_thenSessionConnectedThenDisconnected() {
        JsonNode session = readySession("alice");

        gateway.opened(session);
        JsonNode connected = awaitSession("alice", id(session), s -> inState(s, "CONNECTED"));
        gateway.closed(session, "tab closed", 1234, 5000, 700);
        JsonNode disconnected = awaitSession("alice", id(session), s -> inState(s, "DISCONNECTED"));

        assertThat(connected.path("connectedAt").isMissingNode()).isFalse();
        assertThat(disconnected.path("disconnectedAt").isMissingNode()).isFalse();
        JsonNode opened = eventsOfType(id(session), "SessionConnectedEvent").get(0);
        assertThat(opened.path("actor").asText()).isEqualTo("gateway:gw-test");
        assertThat(opened.path("payload").path("clientAddress").asText()).isEqualTo("192.0.2.7");
        assertThat(opened.path("payload").path("desktopId").asText()).isEqualTo(session.path("desktopId").asText());
        JsonNode closed = eventsOfType(id(session), "SessionDisconnectedEvent").get(0).path("payload");
        assertThat(closed.path("reason").asText()).isEqualTo("tab closed");
        assertThat(closed.path("durationMillis").asLong()).isEqualTo(1234);
        assertThat(closed.path("bytesToClient").asLong()).isEqualTo(5000);
        assertThat(closed.path("bytesFromClient").asLong()).isEqualTo(700);
        assertThat(as("admin").get("/api/desktops/" + session.path("desktopId").asText()).body().path("state").asText())
                .isEqualTo("ASSIGNED");
    }

    @Test
    void givenRecordDeliveredTwice_whenConsumed_thenItIsRecordedOnce() {
        JsonNode session = readySession("bob");

        UUID opened = gateway.opened(session);
        gateway.resend(session, opened, "OPENED");
        gateway.closed(session, "tab closed", 10, 1, 1);
        awaitSession("bob", id(session), s -> inState(s, "DISCONNECTED"));

        assertThat(eventsOfType(id(session), "SessionConnectedEvent")).hasSize(1);
        assertThat(eventsOfType(id(session), "SessionDisconnectedEvent")).hasSize(1);
    }

    @Test
    void givenUnreadableRecord_whenConsumed_thenItIsSkippedAndLaterRecordsAreRecorded() {
        JsonNode session = readySession("alice");

        gateway.sendRaw(session.path("id").asText(), "this is not JSON");
        gateway.sendRaw(session.path("id").asText(), "{\"type\":\"OPENED\"}");
        gateway.opened(session);

        awaitSession("alice", id(session), s -> inState(s, "CONNECTED"));
        assertThat(eventsOfType(id(session), "SessionConnectedEvent")).hasSize(1);
    }

    @Test
    void givenDisconnectedSession_whenUserAsksAgain_thenSameDesktopAndAFreshTokenThenConnectedAgain() {
        JsonNode session = readySession("bob");
        gateway.opened(session);
        awaitSession("bob", id(session), s -> inState(s, "CONNECTED"));
        gateway.closed(session, "network lost", 50, 2, 2);
        awaitSession("bob", id(session), s -> inState(s, "DISCONNECTED"));

        Reply again = as("bob").post("/api/sessions", Map.of("poolId", demoPool()));
        gateway.opened(session);

        assertThat(again.body().path("id").asText()).isEqualTo(session.path("id").asText());
        assertThat(again.body().path("desktopId").asText()).isEqualTo(session.path("desktopId").asText());
        assertThat(again.body().path("connectUrl").asText()).contains("/connect?token=");
        awaitSession("bob", id(session), s -> inState(s, "CONNECTED"));
        List<JsonNode> connections = eventsOfType(id(session), "SessionConnectedEvent");
        assertThat(connections).hasSize(2);
    }
}
