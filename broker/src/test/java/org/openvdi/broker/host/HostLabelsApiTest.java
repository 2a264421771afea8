package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Host labels through the API ({@code labels} at registration, {@code PUT /api/hosts/{id}/labels}) and pools' host
 * selectors: only admins set them, each change is one event naming its actor, hostile labels are refused before any
 * event, fifty identical changes at once record one, another site cannot make one through an admin's browser, a pool
 * whose selector matches no host says so, and a host shows what blocks its drain. The hosts made here are cordoned at
 * once, so that other tests' pools in this shared context never place desktops on them.
 */
@BrokerTest
class HostLabelsApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    AdminScenario scenario;
    ApiClient admin;
    String host;

    @BeforeEach
    void host() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        Answer created = admin.post("/api/hosts", admin.write(Map.of("name", "labels-" + UUID.randomUUID(), "uri",
                "test:///default", "virtType", "qemu", "maxDesktops", 2, "labels", List.of("site=berlin", "gpu"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        host = created.json().get("id").asText();
        assertThat(admin.post("/api/hosts/" + host + "/cordon", "{}").status()).isEqualTo(200);
        assertThat(strings(created.json().get("labels"))).containsExactly("gpu", "site=berlin");
    }

    @Test
    void givenRegisteredHost_whenAdminSetsItsLabels_thenTheHostShowsThemAndOneEventNamesTheAdmin() {
        Answer answer = admin.put("/api/hosts/" + host + "/labels", admin.write(Map.of("labels", List.of("site=paris",
                "topology.example/rack=r-12"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(strings(answer.json().get("labels"))).containsExactly("site=paris", "topology.example/rack=r-12");
        List<JsonNode> changes = scenario.events(host, "HostLabelsChangedEvent");
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).path("payload").path("changedBy").asText()).isEqualTo("admin");
        assertThat(changes.get(1).path("payload").path("changedBy").asText()).isEqualTo("admin");
        assertThat(strings(scenario.hostView(host).get("labels"))).containsExactly("site=paris", "topology.example/rack=r-12");
    }

    @Test
    void givenEveryRole_whenSettingLabels_thenOnlyAdminsMay() {
        long before = events();
        String body = admin.write(Map.of("labels", List.of("site=paris")));
        for (String user : List.of("alice", "bob", "audrey")) {
            assertProblem(new ApiClient(port, user, "demo").put("/api/hosts/" + host + "/labels", body), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).put("/api/hosts/" + host + "/labels", body), 401, "UNAUTHENTICATED");
        assertProblem(new ApiClient(port, "alice", "demo").post("/api/hosts", admin.write(Map.of("name", "x-" + UUID.randomUUID(),
                "uri", "test:///default", "virtType", "qemu", "maxDesktops", 1, "labels", List.of("gpu")))), 403, "FORBIDDEN");
        assertThat(events()).isEqualTo(before);
        assertThat(new ApiClient(port, "audrey", "demo").get("/api/hosts/" + host).json().get("labels")).isNotNull();
    }

    @Test
    void givenHostileLabels_whenSet_thenValidationFailedAndNoEvent() {
        long before = events();
        List<Object> hostile = new ArrayList<>(List.of(
                List.of("site=berlin\u0000"), List.of("gpu\u202e"), List.of("site=ber\u200flin"), List.of("site=berlin\n"),
                List.of("$(reboot)"), List.of("site=`id`"), List.of("gpu;rm -rf /"), List.of("../../etc/passwd"),
                List.of("site=<script>"), List.of("a".repeat(5000)), List.of("site=" + "b".repeat(64)), List.of(""),
                List.of("=berlin"), List.of("site=a=b"), List.of("site=berlin", "site=paris"), List.of("ort=Köln")));
        hostile.add(IntStream.range(0, 33).mapToObj(i -> "k" + i).toList());
        for (Object labels : hostile) {
            Answer answer = admin.put("/api/hosts/" + host + "/labels", admin.write(Map.of("labels", labels)));
            assertProblem(answer, 400, "VALIDATION_FAILED");
            assertThat(answer.body()).doesNotContain("\u202e", "\u0000", "<script>");
        }
        for (String malformed : List.of("{\"labels\":\"gpu\"}", "{\"labels\":[1,{}]}", "{\"labels\":", "[]", "{}",
                "{\"labels\":null}", "{\"labels\":[null]}")) {
            assertThat(admin.put("/api/hosts/" + host + "/labels", malformed).status()).as(malformed).isEqualTo(400);
        }
        assertProblem(admin.put("/api/hosts/" + UUID.randomUUID() + "/labels", admin.write(Map.of("labels", List.of("gpu")))),
                404, "HOST_NOT_FOUND");
        assertThat(admin.put("/api/hosts/..%2F..%2Fetc/labels", admin.write(Map.of("labels", List.of("gpu")))).status())
                .isBetween(400, 404);
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenFiftyIdenticalLabelChangesAtOnce_whenTheyRace_thenAllSucceedAndOneEventIsRecorded() {
        long before = events();
        String body = admin.write(Map.of("labels", List.of("site=hamburg")));

        List<Answer> answers = Concurrently.run(50, () -> admin.put("/api/hosts/" + host + "/labels", body));

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        assertThat(events()).isEqualTo(before + 1);
        assertThat(strings(scenario.hostView(host).get("labels"))).containsExactly("site=hamburg");
    }

    @Test
    void givenAnotherSite_whenItSetsLabelsThroughTheAdminsBrowser_thenRefusedAndNothingChanges() {
        long before = events();
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        WebClient browser = new WebClient(port);
        assertThat(browser.send("PUT", "/api/hosts/" + host + "/labels", evil, "application/json",
                "{\"labels\":[\"site=evil\"]}").status()).isEqualTo(403);
        assertThat(browser.send("PUT", "/api/hosts/" + host + "/labels", evil, "text/plain",
                "{\"labels\":[\"site=evil\"]}").status()).isIn(403, 415);
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenCordonedEmptyHost_whenRead_thenNothingBlocksItsDrainAndDeletingItUndrainedIsRefused() {
        JsonNode view = scenario.hostView(host);
        assertThat(view.get("drainBlockers").get("inUse")).isEmpty();
        assertThat(view.get("drainBlockers").get("awaitingPowerOff")).isEmpty();
        assertProblem(admin.delete("/api/hosts/" + host), 409, "HOST_NOT_DRAINED");
    }

    @Test
    void givenPoolWhoseSelectorMatchesNoHost_whenItNeedsDesktops_thenItSaysSoAndProvisionsNowhere() throws Exception {
        String template = scenario.template("selector-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        String selector = "site=nowhere-" + UUID.randomUUID().toString().substring(0, 8);
        Answer created = admin.post("/api/pools", admin.write(Map.of("name", "selector-" + UUID.randomUUID(), "templateId",
                template, "type", "FLOATING", "minSpare", 1, "maxSize", 2, "entitledUsers", List.of("alice"),
                "hostSelector", List.of(selector))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String pool = created.json().get("id").asText();
        assertThat(strings(created.json().get("hostSelector"))).containsExactly(selector);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin.get("/api/pools/" + pool).json().path("placementProblem").isTextual());
        assertThat(admin.get("/api/pools/" + pool).json().get("placementProblem").asText())
                .isEqualTo("no host matches the selector " + selector);
        assertThat(scenario.events(pool, "PoolPlacementBlockedEvent")).hasSize(1);
        assertThat(scenario.desktops(pool)).isEmpty();

        assertProblem(admin.patch("/api/pools/" + pool, "{\"hostSelector\":[\"site=\\u202eevil\"]}"), 400, "VALIDATION_FAILED");
        assertProblem(admin.patch("/api/pools/" + pool, "{\"hostSelector\":[\"a;b\"]}"), 400, "VALIDATION_FAILED");
        // still matching no host, so that this pool never takes room on other tests' hosts in this shared context
        Answer patched = admin.patch("/api/pools/" + pool, "{\"hostSelector\":[\"!gpu\", \"site!=berlin\", \"" + selector + "\"]}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(strings(patched.json().get("hostSelector"))).containsExactlyInAnyOrder("!gpu", "site!=berlin", selector);
        assertProblem(admin.delete("/api/pools/" + pool + "?deadline=now"), 200, null);
    }

    private long events() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(host)
                .query(Long.class).single();
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isIn(status, status == 200 ? 202 : status);
        if (code != null) {
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.code()).isEqualTo(code);
        }
    }
}
