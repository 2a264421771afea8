package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Rollouts through the API of a real broker: who may start, watch and steer them, what input is refused (as
 * problem+json, writing no event), and that fifty identical start requests at once give exactly one rollout.
 * The pool has no spares and no host, so nothing moves: these tests are about the API, the process tests about moves.
 */
@BrokerTest
class RolloutApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    String template;
    String pool;

    @BeforeEach
    void poolOnVersionOneOfTwo() throws Exception {
        admin = new ApiClient(port, "admin", "demo");
        var created = admin.post("/api/templates", admin.write(Map.of("name", "rollout-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        template = created.json().get("id").asText();
        for (int i = 0; i < 3; i++) {
            Path image = TestImages.image("rollout-" + UUID.randomUUID() + ".img");
            var published = admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath", image.toString())));
            assertThat(published.status()).as(published.body()).isEqualTo(201);
        }
        var made = admin.post("/api/pools", admin.write(Map.of("name", "rollout-pool-" + UUID.randomUUID(), "templateId", template,
                "templateVersion", 1, "type", "FLOATING", "minSpare", 0, "maxSize", 3, "entitledUsers", List.of("alice"))));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        pool = made.json().get("id").asText();
    }

    private String rollouts() {
        return "/api/pools/" + pool + "/rollouts";
    }

    /** The events a start writes: the pool's, and any rollout's start (other classes' processes share the store). */
    private long events() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? OR payloadtype LIKE ?")
                .params(pool, "%.RolloutStartedEvent").query(Long.class).single();
    }

    @Test
    void givenAdmin_whenARolloutStarts_thenAcceptedWithItsStrategyAndVisibleToAuditors() {
        var started = admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "maxUnavailable", "50%",
                "logoff", "FORCE_AFTER", "deadline", "PT30M", "notice", "Saving your work is wise")));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().get("toVersion").asInt()).isEqualTo(2);
        assertThat(started.json().get("fromVersion").asInt()).isEqualTo(1);
        assertThat(started.json().get("startedBy").asText()).isEqualTo("admin");
        assertThat(started.json().at("/strategy/maxUnavailable/percent").asBoolean()).isTrue();
        assertThat(started.json().at("/strategy/noticeBefore").asText()).isEqualTo("PT15M");
        String id = started.json().get("id").asText();
        var seen = new ApiClient(port, "audrey", "demo").get(rollouts() + "/" + id);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().get("state").asText()).isIn("SCHEDULED", "RUNNING", "COMPLETED");
        assertThat(new ApiClient(port, "audrey", "demo").get(rollouts()).json()).hasSize(1);
        assertThat(admin.get("/api/desktops?poolId=" + pool).status()).isEqualTo(200);
    }

    @Test
    void givenActiveRollout_whenAnotherStarts_thenConflictAndNoEvent() {
        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString()))).status()).isEqualTo(202);
        long before = events();

        var second = admin.post(rollouts(), admin.write(Map.of("templateVersion", 3)));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.code()).isEqualTo("ROLLOUT_ACTIVE");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenVersionsThatCannotBeRolledOut_whenStarted_thenRefusedWithTheirCodeAndNoEvent() {
        assertThat(admin.post("/api/templates/" + template + "/versions/3/retire", "").status()).isEqualTo(200);
        long before = events();

        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 1))).code()).isEqualTo("ROLLOUT_SAME_VERSION");
        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 3))).code()).isEqualTo("TEMPLATE_VERSION_RETIRED");
        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 9))).code()).isEqualTo("TEMPLATE_VERSION_NOT_FOUND");
        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "templateId", UUID.randomUUID().toString())))
                .code()).isEqualTo("ROLLOUT_OTHER_TEMPLATE");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenHostileOrMalformedInput_whenStarted_thenProblemJsonAndNoEvent() {
        long before = events();
        List<String> bodies = List.of(
                "{\"templateVersion\":2,\"maxUnavailable\":\"abc\"}",
                "{\"templateVersion\":2,\"maxUnavailable\":\"101%\"}",
                "{\"templateVersion\":2,\"maxUnavailable\":\"1; DROP TABLE pool_view\"}",
                "{\"templateVersion\":2,\"logoff\":\"FORCE_AFTER\"}",
                "{\"templateVersion\":2,\"deadline\":\"PT5M\"}",
                "{\"templateVersion\":2,\"noticeBefore\":\"PT2H\"}",
                "{\"templateVersion\":2,\"startAt\":\"" + Instant.now().plus(15, ChronoUnit.DAYS) + "\"}",
                "{\"templateVersion\":2,\"notice\":\"" + "x".repeat(501) + "\"}",
                "{\"templateVersion\":2,\"notice\":\"evil\\u202Etxt.exe\"}",
                "{\"templateVersion\":2,\"notice\":\"line\\u0007bell\"}",
                "{\"templateVersion\":2,\"canary\":-1}",
                "{\"templateVersion\":2,\"failureThreshold\":0}",
                "{\"templateVersion\":2,\"templateId\":\"../../etc/passwd\"}",
                "{\"templateVersion\":2,\"unknown\":1}",
                "{\"templateVersion\":\"two\"}",
                "{\"templateVersion\":2",
                "[]",
                "{}");
        for (String body : bodies) {
            var answer = admin.post(rollouts(), body);
            assertThat(answer.status()).as(body + " -> " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).as(body).startsWith("application/problem+json");
        }
        assertThat(admin.post("/api/pools/..%2F..%2Fetc/rollouts", "{\"templateVersion\":2}").status()).isBetween(400, 404);
        assertThat(admin.get(rollouts() + "/not-a-uuid").status()).isEqualTo(400);
        assertThat(admin.get(rollouts() + "/" + UUID.randomUUID()).code()).isEqualTo("ROLLOUT_NOT_FOUND");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenEachRole_whenTheyUseRollouts_thenOnlyAdminsStartAndSteerAndAuditorsRead() {
        String body = admin.write(Map.of("templateVersion", 2));
        long before = events();
        for (String user : List.of("alice", "bob", "audrey")) {
            var answer = new ApiClient(port, user, "demo").post(rollouts(), body);
            assertThat(answer.status()).as(user).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        var anonymous = new WebClient(port).send("POST", rollouts(), Map.of(), "application/json", body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(new WebClient(port).send("GET", rollouts(), Map.of(), null, null).status()).isEqualTo(401);
        assertThat(new ApiClient(port, "alice", "demo").get(rollouts()).status()).isEqualTo(403);
        assertThat(events()).isEqualTo(before);

        String id = admin.post(rollouts(), body).json().get("id").asText();
        for (String action : List.of("pause", "resume", "cancel", "rollback")) {
            assertThat(new ApiClient(port, "alice", "demo").post(rollouts() + "/" + id + "/" + action, "").status()).isEqualTo(403);
            assertThat(new ApiClient(port, "audrey", "demo").post(rollouts() + "/" + id + "/" + action, "").status()).isEqualTo(403);
        }
    }

    @Test
    void givenARollout_whenPausedResumedAndRolledBack_thenEachIsRecordedWithWhoDidIt() {
        String id = admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(1, ChronoUnit.HOURS).toString()))).json().get("id").asText();

        var paused = admin.post(rollouts() + "/" + id + "/pause", admin.write(Map.of("reason", "checking the image")));
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("state").asText()).isEqualTo("PAUSED");
        assertThat(paused.json().get("pauseReason").asText()).isEqualTo("ADMIN");
        assertThat(admin.post(rollouts() + "/" + id + "/resume", "").json().get("state").asText()).isEqualTo("SCHEDULED");

        var back = admin.post(rollouts() + "/" + id + "/rollback", "");
        assertThat(back.status()).as(back.body()).isEqualTo(202);
        assertThat(back.json().get("toVersion").asInt()).isEqualTo(1);
        assertThat(back.json().get("rollbackOf").asText()).isEqualTo(id);
        var old = admin.get(rollouts() + "/" + id).json();
        assertThat(old.get("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(admin.post(rollouts() + "/" + id + "/resume", "").code()).isEqualTo("ROLLOUT_FINISHED");
        // the rollback has nothing to move: it may have completed already, and a finished rollout is not cancelled
        var cancelled = admin.post(rollouts() + "/" + back.json().get("id").asText() + "/cancel", "");
        assertThat(cancelled.status() == 200 ? cancelled.json().get("state").asText() : cancelled.code())
                .isIn("CANCELLED", "ROLLOUT_FINISHED");
    }

    @Test
    void givenFiftyIdenticalStartRequestsAtOnce_whenTheyRace_thenExactlyOneRollout() {
        String body = admin.write(Map.of("templateVersion", 2, "startAt", Instant.now().plus(1, ChronoUnit.DAYS).toString()));

        List<Integer> statuses = Concurrently.run(50, () -> admin.post(rollouts(), body).status());

        assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 202).allMatch(s -> s == 409);
        assertThat(admin.get(rollouts()).json()).hasSize(1);
    }

    private long eventsOf(String aggregateId, String type) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?")
                .params(aggregateId, "%." + type).query(Long.class).single();
    }

    private String scheduled() {
        var started = admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString())));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return started.json().get("id").asText();
    }

    @Test
    void givenFiftyPausesThenFiftyResumesAtOnce_whenTheyRace_thenEachChangesTheStateExactlyOnce() {
        String id = scheduled();

        List<Integer> paused = Concurrently.run(50, () -> admin.post(rollouts() + "/" + id + "/pause", "").status());
        assertThat(paused).containsOnly(200);
        assertThat(eventsOf(id, "RolloutPausedEvent")).isEqualTo(1);

        List<Integer> resumed = Concurrently.run(50, () -> admin.post(rollouts() + "/" + id + "/resume", "").status());
        assertThat(resumed).containsOnly(200);
        assertThat(eventsOf(id, "RolloutResumedEvent")).isEqualTo(1);
        assertThat(admin.get(rollouts() + "/" + id).json().get("state").asText()).isEqualTo("SCHEDULED");
    }

    @Test
    void givenFiftyCancelsAtOnce_whenTheyRace_thenOneCancellationAndThePoolBackOnItsVersionAndFree() {
        String id = scheduled();

        List<Integer> statuses = Concurrently.run(50, () -> admin.post(rollouts() + "/" + id + "/cancel", "").status());

        assertThat(statuses).containsOnly(200);
        assertThat(eventsOf(id, "RolloutCancelledEvent")).isEqualTo(1);
        assertThat(eventsOf(pool, "PoolRolloutClosedEvent")).isEqualTo(1);
        var cancelled = admin.get(rollouts() + "/" + id).json();
        assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("poolVersion").asInt()).isEqualTo(1);
        assertThat(cancelled.get("summary").asText()).contains("are on version 1");
        assertThat(admin.get("/api/pools/" + pool).json().get("templateVersion").asInt()).isEqualTo(1);
        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 3, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString()))).status()).as("the pool is free again").isEqualTo(202);
    }

    @Test
    void givenFiftyRollbacksAtOnce_whenTheyRace_thenExactlyOneRollbackRollout() {
        String id = scheduled();

        List<Integer> statuses = Concurrently.run(50, () -> admin.post(rollouts() + "/" + id + "/rollback", "").status());

        assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 202).containsOnly(409);
        assertThat(eventsOf(id, "RolloutRolledBackEvent")).isEqualTo(1);
        assertThat(admin.get(rollouts()).json()).hasSize(2);
        assertThat(admin.get(rollouts() + "/" + id).json().get("state").asText()).isEqualTo("ROLLED_BACK");
    }

    @Test
    void givenCancelledRollout_whenRolledBack_thenARollbackStartsAndAnotherRollbackIsRefused() {
        String id = scheduled();
        assertThat(admin.post(rollouts() + "/" + id + "/cancel", "").status()).isEqualTo(200);

        var back = admin.post(rollouts() + "/" + id + "/rollback", "");

        assertThat(back.status()).as(back.body()).isEqualTo(202);
        assertThat(back.json().get("toVersion").asInt()).isEqualTo(1);
        assertThat(back.json().get("rollbackOf").asText()).isEqualTo(id);
        assertThat(admin.post(rollouts() + "/" + id + "/rollback", "").code()).isEqualTo("ROLLOUT_FINISHED");
    }

    @Test
    void givenAnotherSite_whenItStartsARolloutWithTheAdminsCredentials_thenForbiddenAndNoEvent() {
        long before = events();
        Map<String, String> foreign = new HashMap<>(Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));
        foreign.put("Authorization", WebClient.basic("admin", "demo"));

        var answer = new WebClient(port).send("POST", rollouts(), foreign, "application/json", "{\"templateVersion\":2}");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenPoolOnAVersion_whenThatVersionIsRetired_thenRefusedAsInUseUnlessARolloutMovesThePoolOff() {
        var refused = admin.post("/api/templates/" + template + "/versions/1/retire", "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("VERSION_IN_USE");

        assertThat(admin.post(rollouts(), admin.write(Map.of("templateVersion", 2, "startAt",
                Instant.now().plus(1, ChronoUnit.DAYS).toString()))).status()).isEqualTo(202);

        assertThat(admin.post("/api/templates/" + template + "/versions/1/retire", "").status()).isEqualTo(200);
    }
}
