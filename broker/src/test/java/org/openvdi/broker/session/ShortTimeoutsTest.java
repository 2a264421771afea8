package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.GatewayTelemetry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/** Token expiry and the disconnect timeout, with both shortened to seconds. */
// its own configuration: its own broker and Kafka, closed after the class (DemoBrokerTest)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = {
        "openvdi.connect.token-ttl=1s",
        "openvdi.connect.disconnect-timeout=2s",
        "openvdi.connect.disconnect-check-interval=500ms"})
class ShortTimeoutsTest extends DemoBrokerTest {

    @Autowired
    AuditedCommands commands;

    @Test
    void givenTokenPastItsTtl_whenRedeemed_thenExpiredIsRecordedThenAnswered() throws InterruptedException {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        JsonNode offer = as("alice").post("/api/sessions/" + session + "/connect", null).body();
        Instant expiresAt = Instant.parse(offer.path("expiresAt").asText());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 300);

        Reply reply = gateway().post("/internal/connections/redeem", Map.of("token",
                tokenOf(offer.path("connectUrl").asText()), "gatewayId", "gw-test", "clientAddress", "192.0.2.7"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("TOKEN_EXPIRED");
        assertThat(eventsOfType(session, "ConnectionTokenRejectedEvent"))
                .extracting(e -> e.path("payload").path("code").asText()).containsExactly("TOKEN_EXPIRED");
    }

    @Test
    void givenDisconnectedSession_whenTimeoutPasses_thenSessionEndsAndItsFloatingDesktopIsRecycled() {
        JsonNode session = readySession("bob");
        UUID id = UUID.fromString(session.path("id").asText());
        String desktop = session.path("desktopId").asText();
        try (GatewayTelemetry gateway = new GatewayTelemetry(kafka.getBrokersAsString(), http, commands)) {
            gateway.opened(session);
            gateway.closed(session, "tab closed", 100, 1, 1);
        }

        JsonNode ended = awaitSession("bob", id, s -> s.path("state").asText().equals("ENDED"));

        assertThat(ended.path("reason").asText()).isEqualTo("disconnect timeout");
        List<JsonNode> endEvents = eventsOfType(id, "SessionEndedEvent");
        assertThat(endEvents).hasSize(1);
        assertThat(endEvents.get(0).path("actor").asText()).isEqualTo("system");
        assertThat(eventsOfType(id, "SessionDisconnectedEvent")).hasSize(1);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(as("admin").get("/api/desktops/" + desktop).body().path("state").asText())
                        .isEqualTo("DESTROYED"));
        assertThat(events(UUID.fromString(desktop))).extracting(e -> e.path("type").asText())
                .contains("DesktopReleasedEvent", "DesktopRecycledEvent", "DesktopDestroyedEvent");
    }
}
