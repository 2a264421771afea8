package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.springframework.test.context.TestPropertySource;

/**
 * Deleting a pool through the API on a whole broker (libvirt's test driver as its host): the deletion drains the
 * pool (no new sessions, spares destroyed, sessions ended at the deadline after a notice) and then deletes it, each
 * step an event; only admins may, never from another site, exactly once when fifty race, and every hostile input
 * answers a 4xx problem. This class has a broker of its own, so that other tests' hosts never take its desktops.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.test.scenario=pool-deletion", "openvdi.pools.drain.interval=300"})
class PoolDeletionApiTest {

    static final Duration SOON = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commandGateway;

    AdminScenario scenario;
    ApiClient admin;
    ApiClient alice;
    String template;

    @BeforeEach
    void admin() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        alice = new ApiClient(port, "alice", "demo");
        if (admin.get("/api/hosts").json().isEmpty()) {
            scenario.host("pool-deletion-host", "test:///default", 50);
        }
        template = scenario.template("pd-" + UUID.randomUUID());
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    String pool(String name, int minSpare) {
        return scenario.pool(name, template, "FLOATING", "KEEP_RUNNING", minSpare, 3, "alice");
    }

    JsonNode view(String pool) {
        return admin.get("/api/pools/" + pool).json();
    }

    long live(String pool) {
        return scenario.desktops(pool).stream().filter(d -> !d.get("state").asText().equals("DESTROYED")).count();
    }

    String readySession(ApiClient user, String pool) {
        Answer requested = user.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String session = requested.json().get("id").asText();
        await().atMost(SOON).until(() -> user.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        return session;
    }

    Answer delete(ApiClient client, String path, String json) {
        WebClient web = new WebClient(port);
        WebClient.Answer a = web.send("DELETE", path, Map.of("Authorization", WebClient.basic(client == admin ? "admin" : "alice", "demo")),
                json == null ? null : "application/json", json);
        String type = a.contentType() == null ? "" : a.contentType();
        return new Answer(a.status(), type, a.body(), type.contains("json") && !a.body().isEmpty() ? a.json() : null);
    }

    @Test
    void givenPoolWithASpareAndASession_whenDeleted_thenItDrainsRefusesNewSessionsAndIsDeletedWhenTheSessionEnds() {
        String name = "pd-" + UUID.randomUUID();
        String pool = pool(name, 1);
        String session = readySession(alice, pool);
        await().atMost(SOON).until(() -> view(pool).get("readySpares").asInt() == 1);

        Answer deleted = delete(admin, "/api/pools/" + pool, "{\"deadline\":\"PT10M\",\"message\":\"Moving to the new pool \u05e2\"}");

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        assertThat(deleted.json().get("state").asText()).isEqualTo("DRAINING");
        Instant deadline = Instant.parse(deleted.json().at("/drain/deadline").asText());
        assertThat(deadline).isBetween(Instant.now().plusSeconds(500), Instant.now().plusSeconds(601));
        assertThat(deleted.json().at("/drain/message").asText()).isEqualTo("Moving to the new pool \u05e2");
        assertThat(deleted.json().at("/drain/userDisks").asText()).isEqualTo("KEEP");
        // the spare goes, the session's desktop stays until the session ends
        await().atMost(SOON).until(() -> live(pool) == 1);
        assertProblem(new ApiClient(port, "alice", "demo").post("/api/sessions", "{\"poolId\":\"" + pool + "\"}"), 409,
                "POOL_DRAINING");
        assertThat(alice.get("/api/sessions/" + session).json().get("state").asText()).isEqualTo("READY");
        assertThat(alice.get("/api/pools").json().findValuesAsText("state")).contains("DRAINING");
        assertProblem(admin.patch("/api/pools/" + pool, "{\"minSpare\":2}"), 409, "POOL_DRAINING");
        // asking again answers the same: the first deadline holds
        Answer again = admin.delete("/api/pools/" + pool + "?deadline=now");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().at("/drain/deadline").asText()).isEqualTo(deleted.json().at("/drain/deadline").asText());
        assertThat(view(pool).get("state").asText()).isEqualTo("DRAINING");

        assertThat(alice.delete("/api/sessions/" + session).status()).isEqualTo(200);
        await().atMost(SOON).until(() -> view(pool).get("state").asText().equals("DELETED"));

        assertThat(live(pool)).isZero();
        assertThat(scenario.eventTypes(pool).stream().filter(t -> t.equals("PoolDrainStartedEvent"))).hasSize(1);
        assertThat(scenario.eventTypes(pool)).last().isEqualTo("PoolDeletedEvent");
        assertThat(scenario.events(pool, "PoolDrainStartedEvent").get(0).path("payload").path("startedBy").asText())
                .isEqualTo("admin");
        Answer gone = admin.delete("/api/pools/" + pool);
        assertThat(gone.status()).isEqualTo(200);
        assertThat(gone.json().get("state").asText()).isEqualTo("DELETED");
        assertProblem(alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}"), 410, "POOL_DELETED");
        assertProblem(alice.get("/api/pools/" + pool), 404, "POOL_NOT_FOUND");
        assertThat(alice.get("/api/pools").body()).doesNotContain(pool);
        assertThat(admin.get("/api/pools").body()).contains(pool);
        // its name is free again
        assertThat(pool(name, 0)).isNotEqualTo(pool);
    }

    @Test
    void givenSessionsOfADrainingPool_whenTheGatewayPolls_thenTheyGetTheDeletionNoticeAndDeadlineNowEndsThem() {
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        UUID session = UUID.fromString(readySession(alice, pool));
        String token = alice.post("/api/sessions/" + session + "/connect", "").json().get("connectUrl").asText()
                .replaceAll(".*token=([^&]+).*", "$1");
        ConnectionToken connection = ConnectionToken.random();
        // the test driver's desktops have no display: the redemption is sent as the redeemer sends it after its check
        commandGateway.sendAndWait(new RedeemConnectionTokenCommand(session, ConnectionToken.hashOf(token), Instant.now(),
                true, "gw-pd", "192.0.2.9", UUID.randomUUID(), ConnectionToken.random().hash(), Duration.ofMinutes(5),
                connection.hash()));
        ApiClient gateway = new ApiClient(port, "gateway", "test-gateway-secret");
        String poll = admin.write(Map.of("gatewayId", "gw-pd", "tunnels", List.of(Map.of("sessionId", session,
                "connectionId", connection.value()))));
        assertThat(gateway.post("/internal/notices", poll).json()).isEmpty();

        assertThat(delete(admin, "/api/pools/" + pool, "{\"deadline\":\"PT5M\",\"message\":\"<b>Bye</b> & save\"}").status())
                .isEqualTo(202);

        JsonNode notices = gateway.post("/internal/notices", poll).json();
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).get("id").asText()).isEqualTo("pool-deleted/" + pool);
        assertThat(notices.get(0).get("text").asText()).isEqualTo("<b>Bye</b> & save");
        assertThat(notices.get(0).get("secondsLeft").asLong()).isBetween(250L, 300L);
        assertThat(alice.get("/api/sessions/" + session).json().get("state").asText()).isIn("READY", "CONNECTED");
        // another deletion asking for now changes nothing; the session is ended at its deadline only
        assertThat(admin.delete("/api/pools/" + pool + "?deadline=now").status()).isEqualTo(202);
        assertThat(alice.get("/api/sessions/" + session).json().get("state").asText()).isIn("READY", "CONNECTED");
    }

    @Test
    void givenPoolWithASession_whenDeletedWithDeadlineNow_thenTheSessionIsEndedAndThePoolDeleted() {
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        String session = readySession(alice, pool);

        assertThat(admin.delete("/api/pools/" + pool + "?deadline=now&userDisks=delete").status()).isEqualTo(202);

        await().atMost(SOON).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText().equals("ENDED"));
        assertThat(alice.get("/api/sessions/" + session).json().get("reason").asText()).isEqualTo("pool deleted");
        await().atMost(SOON).until(() -> view(pool).get("state").asText().equals("DELETED"));
        assertThat(view(pool).at("/drain/userDisks").asText()).isEqualTo("DELETE");
    }

    @Test
    void givenPoolWithARunningRollout_whenDeleted_then409NamesTheRolloutAndNothingIsStored() {
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        scenario.publish(template, AdminScenario.randomImage());
        String rollout = scenario.rollout(pool, Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(Duration.ofDays(1)).toString()));

        Answer refused = admin.delete("/api/pools/" + pool);

        assertProblem(refused, 409, "ROLLOUT_ACTIVE");
        assertThat(refused.json().get("detail").asText()).contains(rollout).contains("cancel it");
        assertThat(scenario.eventTypes(pool)).doesNotContain("PoolDrainStartedEvent");
        assertThat(view(pool).get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void givenEveryRoleAnonymousAndAnotherSite_whenDeletingAPool_thenOnlyAdminsFromTheBrokersOwnPagesMay() {
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        for (String user : List.of("alice", "bob", "audrey")) {
            assertProblem(new ApiClient(port, user, "demo").delete("/api/pools/" + pool), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).delete("/api/pools/" + pool), 401, "UNAUTHENTICATED");
        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        assertThat(browser.send("DELETE", "/api/pools/" + pool, evil, null, null).status()).isEqualTo(403);
        assertThat(browser.send("DELETE", "/api/pools/" + pool, evil, "text/plain", "{\"deadline\":\"now\"}").status())
                .isIn(403, 415);
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("DELETE", "/api/pools/" + pool, Map.of(), null, null).status()).isEqualTo(403);
        assertThat(scenario.eventTypes(pool)).doesNotContain("PoolDrainStartedEvent");
        assertThat(view(pool).get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void givenHostileIdsAndParameters_whenDeletingAPool_thenEachIsA4xxProblemAndNothingIsStored() {
        for (String id : List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AEdcba", "%00", "1%3BDROP%20TABLE%20pool_view",
                "x".repeat(5000))) {
            Answer answer = admin.delete("/api/pools/" + id);
            assertThat(answer.status()).as(id + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertProblem(admin.delete("/api/pools/" + UUID.randomUUID()), 404, "POOL_NOT_FOUND");
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        for (String query : List.of("deadline=yesterday", "deadline=2000-01-01T00:00:00Z", "deadline=P400D", "deadline=-PT5M",
                "deadline=" + "9".repeat(200), "deadline=%00", "deadline=PT5M%0A", "userDisks=shred", "userDisks=%E2%80%AE",
                "deadline=2026-13-45T99:00:00Z", "deadline=..%2F..%2F")) {
            Answer answer = admin.delete("/api/pools/" + pool + "?" + query);
            assertProblem(answer, 400, "VALIDATION_FAILED");
        }
        for (String body : List.of("{", "[]", "{\"deadline\":5}", "{\"message\":\"" + "m".repeat(600) + "\"}",
                "{\"message\":\"bidi \u202e text\"}", "{\"message\":\"ctl \u0007\"}", "{\"userDisks\":\"ERASE\"}",
                "{\"deadline\":\"" + "P".repeat(100) + "\"}")) {
            Answer answer = delete(admin, "/api/pools/" + pool, body);
            assertThat(answer.status()).as(body + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(delete(admin, "/api/pools/" + pool, "x".repeat(2_000_000)).status()).isIn(400, 413);
        assertThat(scenario.eventTypes(pool)).doesNotContain("PoolDrainStartedEvent");
        assertThat(view(pool).get("state").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void givenFiftyDeletionsOfOnePool_whenTheyRace_thenItDrainsOnceAndEachAnswerIsTheSame() {
        String pool = pool("pd-" + UUID.randomUUID(), 0);
        readySession(alice, pool);

        List<Answer> answers = Concurrently.run(50, () -> admin.delete("/api/pools/" + pool + "?deadline=PT30M"));

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.body()).isEqualTo(202);
            assertThat(a.json().get("state").asText()).isEqualTo("DRAINING");
        });
        assertThat(answers.stream().map(a -> a.json().at("/drain/deadline").asText()).distinct()).hasSize(1);
        assertThat(scenario.eventTypes(pool).stream().filter("PoolDrainStartedEvent"::equals)).hasSize(1);
    }
}
