package org.openvdi.broker.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.GatewayTelemetry;

/** The gateway's connection telemetry, sent through a real Kafka, recorded on the sessions. */
class ConnectionTelemetryTest extends DemoBrokerTest {

    private GatewayTelemetry gateway;

    @BeforeEach
    void openTopic() {
        gateway = new GatewayTelemetry(kafka.getBrokersAsString());
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
