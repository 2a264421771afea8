package org.openvdi.broker.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.GatewayTelemetry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Idle detection in the real broker, fed through a real Kafka like a gateway feeds it: {@code ACTIVITY} records set
 * the session's last input (and store no event), and the gateway's notice poll answers an idle session of a pool
 * with an idle limit first with a warning that counts down, then with the notice that disconnects it, counted from
 * the last input, so input reported meanwhile starts a new idle period. The gateway and the browser are covered by
 * the gateway's own tests (real guacd); everything here is the real broker.
 */
class IdleTelemetryTest extends DemoBrokerTest {

    private GatewayTelemetry gateway;
    @Autowired
    AuditedCommands commands;
    @Autowired
    JdbcClient jdbc;
    private UUID pool;

    @BeforeEach
    void idleLimitsOnTheDemoPool() {
        gateway = new GatewayTelemetry(kafka.getBrokersAsString(), http, commands);
        pool = demoPool();
        assertThat(as("admin").patch("/api/pools/" + pool, Map.of("sessionLimits",
                Map.of("idleLimit", "PT4S", "idleWarning", "PT3S"))).status()).isEqualTo(200);
    }

    @AfterEach
    void noLimits() {
        as("admin").patch("/api/pools/" + pool, Map.of("sessionLimits", Map.of()));
        gateway.close();
    }

    private List<JsonNode> notices(String connection, UUID session) {
        JsonNode body = gateway().post("/internal/notices", Map.of("gatewayId", GatewayTelemetry.GATEWAY_ID,
                "tunnels", List.of(Map.of("sessionId", session, "connectionId", connection)))).body();
        return StreamSupport.stream(body.spliterator(), false).toList();
    }

    private Instant lastInput(UUID session) {
        return jdbc.sql("SELECT last_input_at FROM session_view WHERE id = ?").param(session)
                .query(java.sql.Timestamp.class).optional().map(java.sql.Timestamp::toInstant).orElse(null);
    }

    @Test
    void givenConnectedSessionWithoutInput_whenPolled_thenWarnedThenDisconnectedAndInputStartsANewIdlePeriod() {
        JsonNode session = readySession("alice");
        UUID id = UUID.fromString(session.path("id").asText());
        String connection = gateway.redeem(session);
        gateway.opened(session);
        awaitSession("alice", id, s -> s.path("state").asText().equals("CONNECTED"));

        JsonNode warning = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> notices(connection, id), n -> !n.isEmpty()).get(0);
        assertThat(warning.path("id").asText()).startsWith("idle/");
        assertThat(warning.path("text").asText()).contains("No keyboard or mouse input");
        assertThat(warning.path("secondsLeft").asLong()).isBetween(0L, 4L);
        assertThat(warning.hasNonNull("idleSince")).isFalse();

        JsonNode disconnect = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> notices(connection, id), n -> !n.isEmpty() && n.get(0).path("id").asText()
                        .startsWith("idle-disconnect/")).get(0);
        Instant idleSince = Instant.parse(disconnect.path("idleSince").asText());

        long events = events(id).size();
        Instant input = Instant.now();
        gateway.activity(session, input);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> lastInput(id) != null);
        assertThat(lastInput(id)).isAfter(idleSince);
        assertThat(notices(connection, id)).noneSatisfy(n ->
                assertThat(n.path("id").asText()).isEqualTo(disconnect.path("id").asText()));
        assertThat(events(id)).hasSize((int) events);
        assertThat(as("alice").get("/api/sessions/" + id).body().path("state").asText()).isEqualTo("CONNECTED");
    }

    @Test
    void givenActivityFromAGatewayThatDidNotRedeemTheConnection_whenConsumed_thenRefusedAndTheLastInputStaysUnset() {
        JsonNode session = readySession("bob");
        UUID id = UUID.fromString(session.path("id").asText());
        gateway.opened(session);
        awaitSession("bob", id, s -> s.path("state").asText().equals("CONNECTED"));

        gateway.sendRaw(id.toString(), "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"ACTIVITY\",\"sessionId\":\""
                + id + "\",\"gatewayId\":\"gw-evil\",\"occurredAt\":\"" + Instant.now() + "\",\"lastInputAt\":\""
                + Instant.now() + "\",\"connectionId\":\"not-a-connection\",\"revision\":2}");
        gateway.closed(session, "tab closed", 10, 1, 1);
        awaitSession("bob", id, s -> s.path("state").asText().equals("DISCONNECTED"));

        assertThat(lastInput(id)).isNull();
    }
}
