package org.openvdi.broker.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.session.api.RedeemConnectionTokenCommand;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An admin's message to a session's user, and an admin ending a session with a reason, through the API of a whole
 * broker (libvirt's test driver as its host, whose desktops have no display: the redemption is sent as the command
 * the redeemer sends after its display check). The message is an event, reaches the gateway that carries the
 * session as a notice with the text as typed, and is refused for ended sessions; only admins send; hostile text
 * answers a 4xx problem; fifty racing sends give fifty messages.
 */
@BrokerTest
class SessionMessageApiTest {

    static final Duration SOON = Duration.ofSeconds(60);
    static final String TEXT = "<b>Reboot</b> at 18:00 <img src=x onerror=alert(1)> \u05e2\u05d3\u05db\u05d5\u05df & \"save\"";

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commandGateway;

    AdminScenario scenario;
    ApiClient admin;
    ApiClient alice;
    String pool;

    @BeforeEach
    void poolOfAlice() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        alice = new ApiClient(port, "alice", "demo");
        if (admin.get("/api/hosts").json().isEmpty()) {
            scenario.host("session-message-host", "test:///default", 50);
        }
        pool = scenario.pool("sm-" + UUID.randomUUID(), scenario.template("sm-" + UUID.randomUUID()), "FLOATING",
                "KEEP_RUNNING", 0, 3, "alice", "bob");
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    String readySession(ApiClient user) {
        Answer requested = user.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String session = requested.json().get("id").asText();
        await().atMost(SOON).until(() -> user.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        return session;
    }

    Answer send(ApiClient client, String session, String text) {
        return client.post("/api/sessions/" + session + "/messages", client.write(Map.of("text", text)));
    }

    @Test
    void givenAlicesSessionOnAGateway_whenAnAdminSendsAMessage_thenItIsAnEventAndTheGatewayGetsItAsANotice() {
        UUID session = UUID.fromString(readySession(alice));
        String token = alice.post("/api/sessions/" + session + "/connect", "").json().get("connectUrl").asText()
                .replaceAll(".*token=([^&]+).*", "$1");
        ConnectionToken connection = ConnectionToken.random();
        commandGateway.sendAndWait(new RedeemConnectionTokenCommand(session, ConnectionToken.hashOf(token), Instant.now(),
                true, "gw-sm", "192.0.2.9", UUID.randomUUID(), ConnectionToken.random().hash(), Duration.ofMinutes(5),
                connection.hash()));
        ApiClient gateway = new ApiClient(port, "gateway", "test-gateway-secret");
        String poll = admin.write(Map.of("gatewayId", "gw-sm", "tunnels", List.of(Map.of("sessionId", session,
                "connectionId", connection.value()))));
        assertThat(gateway.post("/internal/notices", poll).json()).isEmpty();

        Answer sent = send(admin, session.toString(), TEXT);

        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().get("text").asText()).isEqualTo(TEXT);
        assertThat(sent.json().get("sentBy").asText()).isEqualTo("admin");
        String id = sent.json().get("id").asText();
        assertThat(scenario.events(session.toString(), "SessionMessageSentEvent")).singleElement().satisfies(e -> {
            assertThat(e.at("/payload/text").asText()).isEqualTo(TEXT);
            assertThat(e.at("/payload/by").asText()).isEqualTo("admin");
        });
        JsonNode notices = gateway.post("/internal/notices", poll).json();
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).get("id").asText()).isEqualTo("message/" + id);
        assertThat(notices.get(0).get("text").asText()).isEqualTo(TEXT);
        assertThat(notices.get(0).get("secondsLeft").asLong()).isZero();
        assertThat(gateway.post("/internal/notices", admin.write(Map.of("gatewayId", "gw-other", "tunnels",
                List.of(Map.of("sessionId", session, "connectionId", connection.value()))))).json()).isEmpty();
        for (ApiClient reader : List.of(admin, alice, new ApiClient(port, "audrey", "demo"))) {
            assertThat(reader.get("/api/sessions/" + session + "/messages").json().findValuesAsText("id")).containsExactly(id);
        }
        assertProblem(new ApiClient(port, "bob", "demo").get("/api/sessions/" + session + "/messages"), 404, "SESSION_NOT_FOUND");

        Answer ended = admin.delete("/api/sessions/" + session + "?reason=" + URLEncoder.encode("Host maintenance \u05e2",
                StandardCharsets.UTF_8));
        assertThat(ended.status()).as(ended.body()).isEqualTo(200);
        assertThat(ended.json().get("state").asText()).isEqualTo("ENDED");
        assertThat(ended.json().get("reason").asText()).isEqualTo("Host maintenance \u05e2");
        assertThat(scenario.events(session.toString(), "SessionEndedEvent")).singleElement()
                .satisfies(e -> assertThat(e.at("/payload/by").asText()).isEqualTo("admin"));
        assertThat(gateway.post("/internal/notices", poll).json()).isEmpty();
        assertProblem(send(admin, session.toString(), "too late"), 410, "SESSION_ENDED");
    }

    @Test
    void givenEveryRoleAnonymousAndAnotherSite_whenSendingAMessage_thenOnlyAdminsFromTheBrokersOwnPagesMay() {
        String session = readySession(alice);
        String path = "/api/sessions/" + session + "/messages";
        String body = admin.write(Map.of("text", "hello"));
        assertProblem(alice.post(path, body), 403, "FORBIDDEN");
        assertProblem(new ApiClient(port, "bob", "demo").post(path, body), 404, "SESSION_NOT_FOUND");
        assertProblem(new ApiClient(port, "audrey", "demo").post(path, body), 403, "FORBIDDEN");
        assertProblem(new ApiClient(port, null, null).post(path, body), 401, "UNAUTHENTICATED");
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        assertThat(new WebClient(port).send("POST", path, evil, "application/json", body).status()).isEqualTo(403);
        assertThat(new WebClient(port).send("POST", path, evil, "text/plain", body).status()).isIn(403, 415);
        assertThat(new WebClient(port).signIn("admin", "demo").send("POST", path, Map.of(), "application/json", body)
                .status()).isEqualTo(403);
        assertThat(new WebClient(port).send("DELETE", "/api/sessions/" + session, evil, null, null).status()).isEqualTo(403);
        assertProblem(new ApiClient(port, "bob", "demo").delete("/api/sessions/" + session), 404, "SESSION_NOT_FOUND");
        assertThat(scenario.eventTypes(session)).doesNotContain("SessionMessageSentEvent", "SessionEndedEvent");
    }

    @Test
    void givenHostileTextReasonsAndIds_whenSendingOrEnding_thenEachIsA4xxProblemAndNothingIsStored() {
        String session = readySession(alice);
        String path = "/api/sessions/" + session + "/messages";
        for (String body : List.of("{", "[]", "{}", "{\"text\":5}", "{\"text\":\"\"}", "{\"text\":\"   \"}",
                "{\"text\":\"" + "m".repeat(501) + "\"}", "{\"text\":\"bidi \u202e text\"}", "{\"text\":\"ctl \\u0007\"}",
                "{\"text\":\"two\\nlines\"}", "{\"text\":\"zero\u200bwidth\"}", "{\"text\":null}")) {
            Answer answer = admin.post(path, body);
            assertThat(answer.status()).as(body + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(admin.post(path, "{\"text\":\"" + "x".repeat(2_000_000) + "\"}").status()).isIn(400, 413);
        for (String id : List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AEdcba", "%00", "x".repeat(5000))) {
            Answer answer = admin.post("/api/sessions/" + id + "/messages", "{\"text\":\"hi\"}");
            assertThat(answer.status()).as(id + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertProblem(send(admin, UUID.randomUUID().toString(), "hi"), 404, "SESSION_NOT_FOUND");
        for (String reason : List.of("%E2%80%AE", "%07", "a%0Ab", "%20%20", "r".repeat(201), "%00")) {
            assertProblem(admin.delete("/api/sessions/" + session + "?reason=" + reason), 400, "VALIDATION_FAILED");
        }
        assertThat(scenario.eventTypes(session)).doesNotContain("SessionMessageSentEvent", "SessionEndedEvent");
        // markup and shell metacharacters are text like any other
        assertThat(send(admin, session, "$(reboot) `id` ; rm -rf / <script>x</script>").status()).isEqualTo(201);
    }

    @Test
    void givenFiftyRacingSends_whenTheyRace_thenEachIsItsOwnMessageAndNoneIsLost() {
        String session = readySession(alice);

        List<Integer> answers = Concurrently.run(50, () -> send(new ApiClient(port, "admin", "demo"), session, "Same text").status());

        assertThat(answers).containsOnly(201);
        assertThat(scenario.events(session, "SessionMessageSentEvent")).hasSize(50);
        assertThat(admin.get("/api/sessions/" + session + "/messages").json()).hasSize(50);
        List<Integer> ends = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo")
                .delete("/api/sessions/" + session + "?reason=Maintenance").status());
        assertThat(ends).containsOnly(200);
        assertThat(scenario.events(session, "SessionEndedEvent")).hasSize(1);
    }

    @Test
    void givenSessionsOfTwoUsersAndStates_whenAdminsListThemFiltered_thenOnlyMatchingOnesComeAndTheNextPageKeepsTheFilters() {
        ApiClient bob = new ApiClient(port, "bob", "demo");
        String alices = readySession(alice);
        String bobs = readySession(bob);
        assertThat(admin.delete("/api/sessions/" + bobs).status()).isEqualTo(200);

        Answer byPool = admin.get("/api/sessions?all=true&poolId=" + pool);
        assertThat(byPool.json().findValuesAsText("id")).containsExactlyInAnyOrder(alices, bobs);
        assertThat(admin.get("/api/sessions?all=true&poolId=" + pool + "&state=ENDED").json().findValuesAsText("id"))
                .containsExactly(bobs);
        assertThat(admin.get("/api/sessions?all=true&poolId=" + pool + "&user=alice").json().findValuesAsText("id"))
                .containsExactly(alices);
        assertThat(alice.get("/api/sessions?poolId=" + pool).json().findValuesAsText("id")).containsExactly(alices);
        WebClient.Answer first = new WebClient(port).send("GET", "/api/sessions?all=true&poolId=" + pool + "&limit=1",
                Map.of("Authorization", WebClient.basic("admin", "demo")), null, null);
        assertThat(first.json()).hasSize(1);
        String link = first.headers().firstValue("Link").orElseThrow();
        assertThat(link).contains("poolId=" + pool).contains("all=true").contains("limit=1");
        String next = link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        assertThat(admin.get(next).json()).hasSize(1);

        for (String query : List.of("state=OPEN", "state=ended", "poolId=x", "poolId=%00", "user=alice",
                "all=true&user=%E2%80%AE", "all=true&user=%20", "all=true&user=" + "u".repeat(300), "all=true&state=READY&state=ENDED",
                "all=true&sort=user")) {
            assertProblem(admin.get("/api/sessions?" + query), 400, "VALIDATION_FAILED");
        }
    }
}
