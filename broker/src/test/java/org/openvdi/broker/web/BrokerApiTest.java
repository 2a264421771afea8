package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.RequestEvents;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The REST API end to end on a real broker: embedded PostgreSQL and libvirt's test driver. */
@BrokerTest
class BrokerApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    ApiClient alice;
    ApiClient bob;
    ApiClient audrey;

    @BeforeEach
    void clients() {
        admin = new ApiClient(port, "admin", "demo");
        alice = new ApiClient(port, "alice", "demo");
        bob = new ApiClient(port, "bob", "demo");
        audrey = new ApiClient(port, "audrey", "demo");
    }

    String host(String name, int maxDesktops) {
        var answer = admin.post("/api/hosts", admin.write(Map.of("name", name, "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", maxDesktops)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    String templateWithVersion(String name) throws IOException {
        var template = admin.post("/api/templates", admin.write(Map.of("name", name, "vcpus", 1, "memoryMiB", 256)));
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        String id = template.json().get("id").asText();
        var version = admin.post("/api/templates/" + id + "/versions",
                admin.write(Map.of("imagePath", TestImages.image(UUID.randomUUID() + ".img").toString())));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        return id;
    }

    String pool(String name, String templateId, int minSpare, int maxSize, String... users) {
        var answer = admin.post("/api/pools", admin.write(Map.of("name", name, "templateId", templateId,
                "type", "FLOATING", "minSpare", minSpare, "maxSize", maxSize, "entitledUsers", users)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    long events() {
        return RequestEvents.count(jdbc);
    }

    JsonNode desktops(String poolId) {
        return admin.get("/api/desktops?poolId=" + poolId).json();
    }

    long ready(String poolId) {
        long n = 0;
        for (JsonNode d : desktops(poolId)) {
            n += d.get("state").asText().equals("READY") ? 1 : 0;
        }
        return n;
    }

    @Test
    void givenPoolWithTwoSpares_whenEntitledAliceRequests_thenSheGetsAReadyDesktopAndBobFindsNoSuchPool() throws IOException {
        host("sim-" + UUID.randomUUID(), 10);
        String pool = pool("spares-" + UUID.randomUUID(), templateWithVersion("t-" + UUID.randomUUID()), 2, 4, "alice");

        await().atMost(Duration.ofSeconds(30)).until(() -> ready(pool) == 2);

        var session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(session.status()).isEqualTo(202);
        assertThat(session.json().get("state").asText()).isEqualTo("READY");
        String desktop = session.json().get("desktopId").asText();
        assertThat(admin.get("/api/desktops/" + desktop).json().get("state").asText()).isEqualTo("ASSIGNED");

        // to bob the pool does not exist, as when he reads it
        var refused = bob.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isEqualTo("POOL_NOT_FOUND");

        // the pool refills to two spares beside alice's desktop
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(pool) == 2);
        // bob can neither see alice's session nor end it
        String sessionId = session.json().get("id").asText();
        assertThat(bob.get("/api/sessions/" + sessionId).status()).isEqualTo(404);
        assertThat(bob.delete("/api/sessions/" + sessionId).status()).isEqualTo(404);
        // asking again returns the same open session
        assertThat(alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText()).isEqualTo(sessionId);

        var ended = alice.delete("/api/sessions/" + sessionId);
        assertThat(ended.json().get("state").asText()).isEqualTo("ENDED");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.get("/api/desktops/" + desktop).json().get("state").asText().equals("DESTROYED"));
    }

    @Test
    void givenAuditor_whenReadingEventsAndCreatingPool_thenReadsButCannotCreate() throws IOException {
        String template = templateWithVersion("audited-" + UUID.randomUUID());

        var history = audrey.get("/api/events?aggregateId=" + template);
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().get(0).get("type").asText()).isEqualTo("TemplateRegisteredEvent");
        assertThat(history.json().get(0).get("actor").asText()).isEqualTo("admin");
        assertThat(history.json().get(1).get("payload").get("sha256").asText()).hasSize(64);

        var denied = audrey.post("/api/pools", audrey.write(Map.of("name", "nope", "templateId", template,
                "type", "FLOATING", "minSpare", 0, "maxSize", 1)));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.contentType()).startsWith("application/problem+json");
        assertThat(alice.get("/api/events?aggregateId=" + template).status()).isEqualTo(403);
        assertThat(audrey.get("/api/hosts").status()).isEqualTo(200);
    }

    @Test
    void givenFullPool_whenAnotherSessionIsRequested_thenItFailsAtOnceWithPoolFull() throws IOException {
        host("sim-" + UUID.randomUUID(), 10);
        String pool = pool("tiny-" + UUID.randomUUID(), templateWithVersion("t-" + UUID.randomUUID()), 0, 1, "alice", "bob");

        var first = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                alice.get("/api/sessions/" + first.json().get("id").asText()).json().get("state").asText().equals("READY"));

        var second = bob.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().get("state").asText()).isEqualTo("FAILED");
        assertThat(second.json().get("reason").asText()).startsWith("POOL_FULL");
    }

    @Test
    void givenProvisionedDesktops_whenOperatorsLook_thenHealthShowsHostsAndPrometheusShowsDesktopsAndSteps() throws IOException {
        String hostName = "health-" + UUID.randomUUID();
        host(hostName, 3);
        String pool = pool("metrics-" + UUID.randomUUID(), templateWithVersion("t-" + UUID.randomUUID()), 1, 1, "alice");
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(pool) == 1);

        assertThat(new ApiClient(port, null, null).get("/actuator/health").json().get("status").asText()).isEqualTo("UP");
        var health = admin.get("/actuator/health");
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/components/hosts/details").get(hostName).get("status").asText()).isEqualTo("UP");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = admin.get("/actuator/prometheus").body();
            assertThat(metrics).contains("openvdi_desktops{application=\"openvdi-broker\",state=\"READY\"}");
            assertThat(metrics).contains("openvdi_provisioning_step_seconds_count{application=\"openvdi-broker\",step=\"clone\"}");
            assertThat(metrics).contains("openvdi_sessions{");
        });
        assertThat(alice.get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(admin.get("/api/no-such-thing").code()).isEqualTo("NOT_FOUND");
        assertThat(new ApiClient(port, null, null).get("/v3/api-docs").json().get("paths").has("/api/pools")).isTrue();
    }
}
