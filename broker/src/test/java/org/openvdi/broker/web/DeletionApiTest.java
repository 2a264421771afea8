package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Deleting hosts and templates: each deletion is an event, refused with a 409 that names what blocks it,
 * only for admins, never from another site, and exactly once when many race for it. This class has a broker
 * of its own, so that the hosts other tests leave behind never take its desktops.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=deletion")
class DeletionApiTest {

    static final Duration SOON = Duration.ofSeconds(30);

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    AdminScenario scenario;
    ApiClient admin;

    @BeforeEach
    void admin() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    long events(String type) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE ?").param("%." + type)
                .query(Long.class).single();
    }

    String drainedHost() {
        String name = "del-" + UUID.randomUUID();
        String host = scenario.host(name, "test:///default", 5);
        assertThat(admin.post("/api/hosts/" + host + "/drain", "{}").status()).isEqualTo(200);
        await().atMost(SOON).until(() -> scenario.eventTypes(host).contains("HostDrainCompletedEvent"));
        return host;
    }

    @Test
    void givenHostThatIsNotDrained_whenDeleted_then409NamesTheDrainAndNothingIsStored() {
        String host = scenario.host("del-" + UUID.randomUUID(), "test:///default", 5);
        assertProblem(admin.delete("/api/hosts/" + host), 409, "HOST_NOT_DRAINED");
        assertThat(admin.post("/api/hosts/" + host + "/cordon", "{}").status()).isEqualTo(200);
        Answer cordoned = admin.delete("/api/hosts/" + host);
        assertProblem(cordoned, 409, "HOST_NOT_DRAINED");
        assertThat(cordoned.json().get("detail").asText()).contains("Drain the host first");
        assertThat(scenario.eventTypes(host)).doesNotContain("HostDeletedEvent");
        assertThat(admin.get("/api/hosts/" + host).status()).isEqualTo(200);
    }

    @Test
    void givenDrainedHost_whenDeleted_thenGoneWithAnEventAndItsNameIsFreeAgain() {
        String host = drainedHost();
        String name = scenario.hostView(host).get("name").asText();
        Answer deleted = admin.delete("/api/hosts/" + host);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(scenario.eventTypes(host)).last().isEqualTo("HostDeletedEvent");
        assertThat(scenario.events(host, "HostDeletedEvent").get(0).path("payload").path("deletedBy").asText()).isEqualTo("admin");
        assertProblem(admin.get("/api/hosts/" + host), 404, "HOST_NOT_FOUND");
        assertProblem(admin.delete("/api/hosts/" + host), 404, "HOST_NOT_FOUND");
        assertProblem(admin.post("/api/hosts/" + host + "/uncordon", "{}"), 404, "HOST_NOT_FOUND");
        assertThat(admin.get("/api/hosts").body()).doesNotContain(host);
        assertThat(scenario.host(name, "test:///default", 1)).isNotEqualTo(host);
    }

    @Test
    void givenDrainingHostWithADesktopInUse_whenDeleted_then409SaysWhatIsLeftOnIt() {
        String host = scenario.host("del-" + UUID.randomUUID(), "test:///default", 5);
        String template = scenario.template("del-" + UUID.randomUUID());
        String pool = scenario.pool("del-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 1, "alice");
        ApiClient alice = new ApiClient(port, "alice", "demo");
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();
        await().atMost(SOON).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        assertThat(admin.post("/api/hosts/" + host + "/drain", "{}").status()).isEqualTo(200);

        Answer refused = admin.delete("/api/hosts/" + host);
        assertProblem(refused, 409, "HOST_NOT_EMPTY");
        assertThat(refused.json().get("detail").asText())
                .isEqualTo("1 desktop is still on the host: 1 desktop in use by a session");

        assertThat(alice.delete("/api/sessions/" + session).status()).isIn(200, 204);
        await().atMost(SOON).until(() -> scenario.eventTypes(host).contains("HostDrainCompletedEvent"));
        assertThat(admin.delete("/api/hosts/" + host).status()).isEqualTo(204);
    }

    @Test
    void givenTemplateUsedByAPool_whenDeleted_then409NamesThePoolAndNothingIsStored() {
        String template = scenario.template("del-" + UUID.randomUUID());
        String poolName = "del-pool-" + UUID.randomUUID();
        scenario.pool(poolName, template, "FLOATING", "KEEP_RUNNING", 0, 1);
        long before = events("TemplateDeletedEvent");
        Answer refused = admin.delete("/api/templates/" + template);
        assertProblem(refused, 409, "TEMPLATE_IN_USE");
        assertThat(refused.json().get("detail").asText()).contains("pool \"" + poolName + "\" uses version 1");
        assertThat(events("TemplateDeletedEvent")).isEqualTo(before);
        assertThat(admin.get("/api/templates/" + template).status()).isEqualTo(200);
    }

    @Test
    void givenUnusedTemplate_whenDeleted_thenGoneWithItsVersionsAndItsNameIsFreeAgain() {
        String name = "del-" + UUID.randomUUID();
        String template = scenario.template(name);
        Answer deleted = admin.delete("/api/templates/" + template);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(scenario.eventTypes(template)).last().isEqualTo("TemplateDeletedEvent");
        assertProblem(admin.get("/api/templates/" + template), 404, "TEMPLATE_NOT_FOUND");
        assertProblem(admin.delete("/api/templates/" + template), 404, "TEMPLATE_NOT_FOUND");
        assertProblem(admin.post("/api/pools", admin.write(Map.of("name", "p-" + UUID.randomUUID(), "templateId", template,
                "type", "FLOATING", "minSpare", 0, "maxSize", 1))), 404, "TEMPLATE_NOT_FOUND");
        assertThat(jdbc.sql("SELECT count(*) FROM template_version_view WHERE template_id = ?")
                .param(UUID.fromString(template)).query(Long.class).single()).isZero();
        assertThat(scenario.template(name)).isNotEqualTo(template);
    }

    @Test
    void givenEveryRoleAndAnotherSite_whenDeleting_thenOnlyAdminsFromTheBrokersOwnPagesMay() {
        String host = drainedHost();
        String template = scenario.template("del-" + UUID.randomUUID());
        for (String user : List.of("alice", "bob", "audrey")) {
            ApiClient client = new ApiClient(port, user, "demo");
            assertProblem(client.delete("/api/hosts/" + host), 403, "FORBIDDEN");
            assertProblem(client.delete("/api/templates/" + template), 403, "FORBIDDEN");
        }
        ApiClient anonymous = new ApiClient(port, null, null);
        assertProblem(anonymous.delete("/api/hosts/" + host), 401, "UNAUTHENTICATED");
        assertProblem(anonymous.delete("/api/templates/" + template), 401, "UNAUTHENTICATED");

        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        assertThat(browser.send("DELETE", "/api/hosts/" + host, evil, null, null).status()).isEqualTo(403);
        assertThat(browser.send("DELETE", "/api/templates/" + template, evil, "text/plain", "x").status()).isEqualTo(415);
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("DELETE", "/api/templates/" + template, Map.of(), null, null).status()).isEqualTo(403);
        assertThat(scenario.eventTypes(host)).doesNotContain("HostDeletedEvent");
        assertThat(scenario.eventTypes(template)).doesNotContain("TemplateDeletedEvent");
    }

    @Test
    void givenHostileIds_whenDeleting_thenEachIsA4xxProblem() {
        for (String id : List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AEdcba", "%00", "1;DROP TABLE host_view",
                "x".repeat(5000))) {
            for (String resource : List.of("/api/hosts/", "/api/templates/")) {
                Answer answer = admin.delete(resource + id.replace(";", "%3B").replace(" ", "%20"));
                assertThat(answer.status()).as(resource + id + ": " + answer.body()).isBetween(400, 499);
                assertThat(answer.contentType()).startsWith("application/problem+json");
            }
        }
        assertProblem(admin.delete("/api/hosts/" + UUID.randomUUID()), 404, "HOST_NOT_FOUND");
        assertProblem(admin.delete("/api/templates/" + UUID.randomUUID()), 404, "TEMPLATE_NOT_FOUND");
    }

    @Test
    void givenFiftyDeletionsOfOneHostAndOfOneTemplate_whenTheyRace_thenEachIsDeletedExactlyOnce() {
        String host = drainedHost();
        String template = scenario.template("del-" + UUID.randomUUID());
        AtomicInteger next = new AtomicInteger();
        List<Answer> answers = Concurrently.run(50, () -> next.getAndIncrement() % 2 == 0
                ? admin.delete("/api/hosts/" + host) : admin.delete("/api/templates/" + template));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(204, 404));
        assertThat(answers.stream().filter(a -> a.status() == 204)).hasSize(2);
        assertThat(scenario.eventTypes(host).stream().filter("HostDeletedEvent"::equals)).hasSize(1);
        assertThat(scenario.eventTypes(template).stream().filter("TemplateDeletedEvent"::equals)).hasSize(1);
    }

    @Test
    void givenPoolsCreatedWhileTheirTemplateIsDeleted_whenTheyRace_thenNoPoolIsLeftOnADeletedTemplate() {
        String template = scenario.template("del-" + UUID.randomUUID());
        AtomicInteger next = new AtomicInteger();
        List<Answer> answers = Concurrently.run(50, () -> next.getAndIncrement() % 2 == 0
                ? admin.delete("/api/templates/" + template)
                : admin.post("/api/pools", admin.write(Map.of("name", "race-" + UUID.randomUUID(), "templateId", template,
                        "type", "FLOATING", "minSpare", 0, "maxSize", 1))));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(201, 204, 404, 409));
        boolean deleted = answers.stream().anyMatch(a -> a.status() == 204);
        long pools = jdbc.sql("SELECT count(*) FROM pool_view WHERE template_id = ?").param(UUID.fromString(template))
                .query(Long.class).single();
        if (deleted) {
            assertThat(pools).isZero();
        } else {
            assertThat(pools).isPositive();
            assertThat(answers.stream().filter(a -> a.status() == 409)).allSatisfy(a -> assertThat(a.code()).isEqualTo("TEMPLATE_IN_USE"));
        }
        assertThat(answers.stream().filter(a -> a.status() == 201)).hasSize((int) pools);
    }
}
