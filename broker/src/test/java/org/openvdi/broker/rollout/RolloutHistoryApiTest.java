package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The desktop and pool histories through a real broker, its hosts on libvirt's test driver: a real rollout replaces
 * a spare, and both histories tell it from the events alone. Then who may read them, hostile ids, cross-site
 * requests and fifty readers at once.
 */
@BrokerTest
class RolloutHistoryApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    ApiClient audrey;
    String template;
    String pool;

    @BeforeEach
    void poolOfOneSpareOnVersionOneOfThree() throws Exception {
        admin = new ApiClient(port, "admin", "demo");
        audrey = new ApiClient(port, "audrey", "demo");
        var host = admin.post("/api/hosts", admin.write(Map.of("name", "history-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 6)));
        assertThat(host.status()).as(host.body()).isEqualTo(201);
        var created = admin.post("/api/templates", admin.write(Map.of("name", "history-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        template = created.json().get("id").asText();
        for (int i = 0; i < 3; i++) {
            Path image = TestImages.image("history-" + UUID.randomUUID() + ".img");
            assertThat(admin.post("/api/templates/" + template + "/versions",
                    admin.write(Map.of("imagePath", image.toString()))).status()).isEqualTo(201);
        }
        var made = admin.post("/api/pools", admin.write(Map.of("name", "history-pool-" + UUID.randomUUID(), "templateId",
                template, "templateVersion", 1, "type", "FLOATING", "minSpare", 1, "maxSize", 3, "entitledUsers",
                List.of("alice"))));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        pool = made.json().get("id").asText();
    }

    private String rollouts() {
        return "/api/pools/" + pool + "/rollouts";
    }

    /** The pool's own events (its desktops are provisioned meanwhile, and those are events too). */
    private long poolEvents() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(pool)
                .query(Long.class).single();
    }

    private static <T> T await(String what, Supplier<T> read, Predicate<T> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        T seen = read.get();
        while (!done.test(seen)) {
            assertThat(Instant.now()).as("waiting for " + what + ", last seen " + seen).isBefore(deadline);
            Thread.sleep(250);
            seen = read.get();
        }
        return seen;
    }

    private JsonNode readyDesktop(int version) throws InterruptedException {
        JsonNode all = await("a ready desktop on version " + version, () -> admin.get("/api/desktops?poolId=" + pool).json(),
                list -> find(list, version) != null);
        return find(all, version);
    }

    private static JsonNode find(JsonNode desktops, int version) {
        for (JsonNode d : desktops) {
            if ("READY".equals(d.get("state").asText()) && d.get("templateVersion").asInt() == version) {
                return d;
            }
        }
        return null;
    }

    @Test
    void givenARealRolloutAndACancelledOne_whenTheHistoriesAreRead_thenTheyTellEachVersionAndWhoSteeredEachRollout()
            throws Exception {
        String old = readyDesktop(1).get("id").asText();
        String first = admin.post(rollouts(), admin.write(Map.of("templateVersion", 2))).json().get("id").asText();
        JsonNode done = await("the rollout to complete", () -> admin.get(rollouts() + "/" + first).json(),
                r -> "COMPLETED".equals(r.get("state").asText()));
        assertThat(done.get("poolVersion").asInt()).isEqualTo(2);
        String fresh = readyDesktop(2).get("id").asText();
        String second = admin.post(rollouts(), admin.write(Map.of("templateVersion", 3, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString()))).json().get("id").asText();
        assertThat(admin.post(rollouts() + "/" + second + "/pause", admin.write(Map.of("reason", "wait for Monday")))
                .status()).isEqualTo(200);
        assertThat(admin.post(rollouts() + "/" + second + "/resume", "").status()).isEqualTo(200);
        assertThat(admin.post(rollouts() + "/" + second + "/cancel", "").status()).isEqualTo(200);

        JsonNode history = audrey.get("/api/pools/" + pool + "/history").json();
        assertThat(history.get("versions")).extracting(v -> v.get("version").asInt()).containsExactly(1, 2);
        assertThat(history.at("/versions/1/rolloutId").asText()).isEqualTo(first);
        assertThat(history.get("rollouts")).extracting(r -> r.get("rolloutId").asText()).containsExactly(first, second);
        JsonNode completed = history.at("/rollouts/0");
        assertThat(completed.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(completed.get("startedBy").asText()).isEqualTo("admin");
        assertThat(completed.at("/strategy/canary").asInt()).isEqualTo(1);
        assertThat(completed.get("updated").asInt()).isGreaterThanOrEqualTo(1);
        JsonNode cancelled = history.at("/rollouts/1");
        assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("actions")).extracting(a -> a.get("action").asText() + " by " + a.get("by").asText())
                .containsExactly("STARTED by admin", "PAUSED by admin", "RESUMED by admin", "CANCELLED by admin");
        assertThat(cancelled.at("/actions/1/detail").asText()).isEqualTo("ADMIN: wait for Monday");

        JsonNode before = audrey.get("/api/desktops/" + old + "/history").json();
        assertThat(before.get("versions")).hasSize(1);
        assertThat(before.at("/versions/0/version").asInt()).isEqualTo(1);
        assertThat(before.at("/versions/0/origin").asText()).isEqualTo("PROVISIONED");
        assertThat(before.at("/versions/0/end").asText()).isEqualTo("RECYCLED");
        assertThat(before.at("/versions/0/until").isMissingNode()).as("it ended").isFalse();
        JsonNode after = admin.get("/api/desktops/" + fresh + "/history").json();
        assertThat(after.at("/versions/0/version").asInt()).isEqualTo(2);
        assertThat(after.at("/versions/0/until").isMissingNode()).as("it still runs it (nulls are left out)").isTrue();
    }

    @Test
    void givenEachRole_whenTheyReadTheHistories_thenAdminsAndAuditorsReadEmployeesAreForbiddenAndAnonymousUnauthorized()
            throws Exception {
        String desktop = readyDesktop(1).get("id").asText();
        List<String> paths = List.of("/api/pools/" + pool + "/history", "/api/desktops/" + desktop + "/history");
        for (String path : paths) {
            assertThat(admin.get(path).status()).as(path).isEqualTo(200);
            assertThat(audrey.get(path).status()).as(path).isEqualTo(200);
            for (String employee : List.of("alice", "bob")) {
                var answer = new ApiClient(port, employee, "demo").get(path);
                assertThat(answer.status()).as(employee + " " + path).isEqualTo(403);
                assertThat(answer.contentType()).startsWith("application/problem+json");
            }
            assertThat(new WebClient(port).send("GET", path, Map.of(), null, null).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void givenHostileOrUnknownIds_whenHistoriesAreAsked_thenProblemJsonNeverAServerError() {
        List<String> hostile = List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3E", "1%27%20OR%201%3D1",
                "%E2%80%AEtxt", "%07bell", "x".repeat(10_000), UUID.randomUUID() + "%00");
        for (String id : hostile) {
            for (String path : List.of("/api/pools/" + id + "/history", "/api/desktops/" + id + "/history")) {
                var answer = admin.get(path);
                assertThat(answer.status()).as(path.substring(0, Math.min(80, path.length()))).isBetween(400, 499);
            }
        }
        assertThat(admin.get("/api/pools/" + UUID.randomUUID() + "/history").code()).isEqualTo("POOL_NOT_FOUND");
        assertThat(admin.get("/api/desktops/" + UUID.randomUUID() + "/history").code()).isEqualTo("DESKTOP_NOT_FOUND");
        assertThat(admin.get("/api/desktops/" + pool + "/history").code()).as("a pool is no desktop").isEqualTo("DESKTOP_NOT_FOUND");
        assertThat(admin.get("/api/pools/" + template + "/history").code()).as("a template is no pool").isEqualTo("POOL_NOT_FOUND");
        var malformed = admin.get("/api/pools/not-a-uuid/history");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
    }

    @Test
    void givenAnotherSite_whenItReadsOrWritesAHistoryWithTheAdminsCredentials_thenNothingIsSharedOrWritten() {
        Map<String, String> foreign = new HashMap<>(Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));
        foreign.put("Authorization", WebClient.basic("admin", "demo"));
        long before = poolEvents();

        var read = new WebClient(port).send("GET", "/api/pools/" + pool + "/history", foreign, null, null);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).as("no page of another site may read it").isEmpty();
        Map<String, String> preflight = new HashMap<>(Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"));
        var granted = new WebClient(port).send("OPTIONS", "/api/pools/" + pool + "/history", preflight, null, null);
        assertThat(granted.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        var write = new WebClient(port).send("POST", "/api/pools/" + pool + "/history", foreign, "application/json", "{}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(poolEvents()).isEqualTo(before);
    }

    @Test
    void givenFiftyReadersAtOnce_whenTheyReadThePoolsHistory_thenEachGetsTheSameAnswer() {
        String id = admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString()))).json().get("id").asText();
        admin.post(rollouts() + "/" + id + "/pause", "");

        List<ApiClient.Answer> answers = Concurrently.run(50, () -> audrey.get("/api/pools/" + pool + "/history"));

        assertThat(answers).extracting(ApiClient.Answer::status).containsOnly(200);
        assertThat(answers).extracting(a -> a.json().get("rollouts")).containsOnly(answers.get(0).json().get("rollouts"));
    }
}
