package org.openvdi.broker.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.api.RedeemConnectionTokenCommand;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The gateways' notice poll against a running broker: alice's session is in use when a FORCE_AFTER rollout of the
 * demo pool starts, and the gateway that redeemed her connection gets the admin's notice, as text, with the
 * seconds left; nobody else does, and once the deadline ends her session, presenting her resume token is refused
 * as SESSION_ENDED_BY_ROLLOUT. The demo host is libvirt's test driver, whose desktops have no display, so the
 * redemption is sent to the session as the command the redeemer sends after its display check (the check itself
 * is covered on qemu:///system); everything after it is the real broker.
 */
// it rolls the demo pool out to a new version with a forced logoff: no class after it may use that broker (DemoBrokerTest)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GatewayNoticeApiTest extends DemoBrokerTest {

    private static final String NOTICE = "<img src=x onerror=alert(1)> Update \u05e2\u05d3\u05db\u05d5\u05df at 18:00; \"save\" & go";
    private static final String GATEWAY = "gw-notices";

    @Autowired
    CommandGateway commands;

    private UUID session;
    private String connectionId;
    private String resumeToken;

    @BeforeEach
    void alicesSessionRedeemedByOneGateway() {
        session = UUID.fromString(readySession("alice").path("id").asText());
        String token = tokenOf(as("alice").post("/api/sessions/" + session + "/connect", null).body()
                .path("connectUrl").asText());
        ConnectionToken resume = ConnectionToken.random();
        ConnectionToken connection = ConnectionToken.random();
        commands.sendAndWait(new RedeemConnectionTokenCommand(session, ConnectionToken.hashOf(token), Instant.now(), true,
                GATEWAY, "192.0.2.7", UUID.randomUUID(), resume.hash(), Duration.ofMinutes(5), connection.hash()));
        connectionId = connection.value();
        resumeToken = resume.value();
    }

    private Map<String, Object> poll(String gatewayId, UUID sessionId, String connection) {
        return Map.of("gatewayId", gatewayId, "tunnels", List.of(Map.of("sessionId", sessionId, "connectionId", connection)));
    }

    private Reply notices(Map<String, Object> poll) {
        return gateway().post("/internal/notices", poll);
    }

    @Test
    void givenAForcedLogoffAhead_whenTheRedeemingGatewayPolls_thenItGetsTheNoticeAndOthersGetNothing() throws Exception {
        assertThat(notices(poll(GATEWAY, session, connectionId)).body()).isEmpty();
        startForcedRollout("PT25S");

        JsonNode notice = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> notices(poll(GATEWAY, session, connectionId)).body(), body -> !body.isEmpty()).get(0);

        assertThat(notice.path("sessionId").asText()).isEqualTo(session.toString());
        assertThat(notice.path("text").asText()).isEqualTo(NOTICE);
        assertThat(notice.path("secondsLeft").asLong()).isBetween(0L, 25L);
        assertThat(notice.path("id").asText()).isNotBlank();
        assertThat(notices(poll("gw-other", session, connectionId)).body()).isEmpty();
        assertThat(notices(poll(GATEWAY, session, ConnectionToken.random().value())).body()).isEmpty();
        UUID bobs = UUID.fromString(readySession("bob").path("id").asText());
        assertThat(notices(poll(GATEWAY, bobs, connectionId)).body()).isEmpty();

        List<Reply> together = Concurrently.run(50, () -> notices(poll(GATEWAY, session, connectionId)));
        assertThat(together).extracting(Reply::status).containsOnly(200);
        assertThat(together).allSatisfy(r -> assertThat(r.body().toString()).contains(session.toString()));

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                as("alice").get("/api/sessions/" + session).body().path("state").asText().equals("ENDED"));
        Reply resumed = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> gateway().post("/internal/connections/redeem",
                                Map.of("token", resumeToken, "gatewayId", GATEWAY, "clientAddress", "192.0.2.7")),
                        r -> "SESSION_ENDED_BY_ROLLOUT".equals(r.code()));
        assertThat(resumed.status()).isEqualTo(410);
        assertThat(resumed.body().path("detail").asText()).contains("rollout to version 2");
        assertThat(notices(poll(GATEWAY, session, connectionId)).body()).isEmpty();
    }

    @Test
    void givenAnyoneButTheGateway_whenPolling_thenRefused() {
        Map<String, Object> poll = poll(GATEWAY, session, connectionId);
        assertThat(http.post("/internal/notices", poll).status()).isEqualTo(401);
        assertThat(http.as("gateway", "wrong").post("/internal/notices", poll).status()).isEqualTo(401);
        for (String user : List.of("admin", "alice", "bob", "audrey")) {
            Reply reply = as(user).post("/internal/notices", poll);
            assertThat(reply.status()).as(user).isEqualTo(403);
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void givenHostileOrMalformedPolls_whenPosted_thenProblemJsonNeverAServerError() {
        List<String> bodies = List.of("{", "[]", "{\"gatewayId\":\"gw\"}", "{\"gatewayId\":\"\",\"tunnels\":[]}",
                "{\"gatewayId\":\"gw\u202e\",\"tunnels\":[]}", "{\"gatewayId\":\"gw\",\"tunnels\":[null]}",
                "{\"gatewayId\":\"gw\",\"tunnels\":[{\"sessionId\":\"../../etc/passwd\",\"connectionId\":\"x\"}]}",
                "{\"gatewayId\":\"gw\",\"tunnels\":[{\"sessionId\":\"" + session + "\",\"connectionId\":\"\"}]}",
                "{\"gatewayId\":\"gw\",\"tunnels\":[{\"sessionId\":\"" + session + "\",\"connectionId\":\"" + "x".repeat(201) + "\"}]}",
                "{\"gatewayId\":\"gw\",\"tunnels\":[],\"extra\":\"<script>\"}");
        for (String body : bodies) {
            Reply reply = gateway().postRaw("/internal/notices", "application/json", body);
            assertThat(reply.status()).as(body).isBetween(400, 499);
            assertThat(reply.contentType()).as(body).startsWith("application/problem+json");
        }
        StringBuilder many = new StringBuilder("{\"gatewayId\":\"gw\",\"tunnels\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{\"sessionId\":\"").append(UUID.randomUUID()).append("\",\"connectionId\":\"c\"}");
        }
        Reply tooMany = gateway().postRaw("/internal/notices", "application/json", many.append("]}").toString());
        assertThat(tooMany.status()).isEqualTo(400);
        Reply huge = gateway().postRaw("/internal/notices", "application/json",
                "{\"gatewayId\":\"" + "g".repeat(300_000) + "\",\"tunnels\":[]}");
        assertThat(huge.status()).isEqualTo(413);
        Reply sqlish = notices(poll("gw'; DROP TABLE rollout_notice; --", session, "' OR '1'='1"));
        assertThat(sqlish.status()).isEqualTo(200);
        assertThat(sqlish.body()).isEmpty();
    }

    @Test
    void givenABrowserOnAnotherSite_whenItPostsAPoll_thenRefused() {
        String body = "{\"gatewayId\":\"" + GATEWAY + "\",\"tunnels\":[{\"sessionId\":\"" + session
                + "\",\"connectionId\":\"" + connectionId + "\"}]}";
        assertThat(gateway().postRaw("/internal/notices", "application/json", body,
                "Origin", "http://attacker.example", "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
        assertThat(gateway().postRaw("/internal/notices", "text/plain", body,
                "Sec-Fetch-Site", "cross-site").status()).isIn(403, 415);
    }

    /** Publishes version 2 of the demo template (a copy of its image) and starts a FORCE_AFTER rollout of the demo pool. */
    private void startForcedRollout(String deadline) throws Exception {
        JsonNode template = as("admin").get("/api/templates").body().get(0);
        Path image = Path.of(template.path("versions").get(0).path("imagePath").asText());
        Path copy = Files.copy(image, image.resolveSibling("tiny-v2-" + UUID.randomUUID() + ".raw"));
        Reply published = as("admin").post("/api/templates/" + template.path("id").asText() + "/versions",
                Map.of("imagePath", copy.toString()));
        assertThat(published.status()).isEqualTo(201);
        Reply started = as("admin").post("/api/pools/" + demoPool() + "/rollouts", Map.of("templateVersion", 2,
                "logoff", "FORCE_AFTER", "deadline", deadline, "noticeBefore", "PT20S", "notice", NOTICE,
                "progressDeadline", "PT5M"));
        assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(202);
    }
}
