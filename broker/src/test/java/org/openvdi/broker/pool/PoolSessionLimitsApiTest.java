package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.pool.PoolChangeApiTest.MERGE_PATCH;
import static org.openvdi.broker.pool.PoolChangeApiTest.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * A pool's {@code sessionLimits} through the REST API: set on creation, by {@code PATCH} (replaced whole) and by
 * {@code PUT} (none when left out), read back by every role that may see the pool; refused for other roles,
 * anonymous callers, other sites, impossible or hostile values (4xx problem+json, nothing stored); 50 identical
 * changes at once record one change. The legacy power policy name is refused clearly.
 */
@BrokerTest
class PoolSessionLimitsApiTest {

    static final String LIMITS = "{\"disconnectedAction\":\"SUSPEND\",\"afterDisconnected\":\"PT15M\","
            + "\"idleLimit\":\"PT30M\",\"idleWarning\":\"PT2M\",\"unopenedTimeout\":\"PT10M\",\"maxLength\":\"PT8H\","
            + "\"endNotices\":[\"PT5M\",\"PT15M\"]}";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    String pool;
    String template;

    @BeforeEach
    void pool() throws IOException {
        AdminScenario scenario = new AdminScenario(port);
        admin = scenario.admin();
        template = scenario.template("limits-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        Answer created = admin.post("/api/pools", "{\"name\":\"limits-" + UUID.randomUUID() + "\",\"templateId\":\""
                + template + "\",\"type\":\"PERSISTENT\",\"minSpare\":0,\"maxSize\":4,\"entitledUsers\":[\"alice\"],"
                + "\"sessionLimits\":" + LIMITS + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        pool = created.json().get("id").asText();
    }

    long events() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(pool)
                .query(Long.class).single();
    }

    long limitChanges() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE "
                + "'%PoolSessionLimitsChangedEvent'").param(pool).query(Long.class).single();
    }

    JsonNode limits() {
        return admin.get("/api/pools/" + pool).json().get("sessionLimits");
    }

    @Test
    void givenPoolCreatedWithLimits_whenRead_thenEveryLimitIsThereWithNoticesLargestFirst() {
        JsonNode limits = limits();

        assertThat(limits.get("disconnectedAction").asText()).isEqualTo("SUSPEND");
        assertThat(limits.get("afterDisconnected").asText()).isEqualTo("PT15M");
        assertThat(limits.get("idleLimit").asText()).isEqualTo("PT30M");
        assertThat(limits.get("idleWarning").asText()).isEqualTo("PT2M");
        assertThat(limits.get("unopenedTimeout").asText()).isEqualTo("PT10M");
        assertThat(limits.get("maxLength").asText()).isEqualTo("PT8H");
        assertThat(limits.get("endNotices").toString()).isEqualTo("[\"PT15M\",\"PT5M\"]");
        assertThat(limitChanges()).isEqualTo(1);
    }

    @Test
    void givenPoolWithLimits_whenPatchedWithOtherLimits_thenReplacedWholeAndAPatchOfAnotherFieldKeepsThem() {
        Answer patched = admin.patch("/api/pools/" + pool, "{\"sessionLimits\":{\"idleLimit\":\"PT20M\"}}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(limits().get("idleLimit").asText()).isEqualTo("PT20M");
        assertThat(limits().get("disconnectedAction").asText()).isEqualTo("NONE");
        assertThat(limits().hasNonNull("maxLength")).isFalse();

        assertThat(admin.patch("/api/pools/" + pool, "{\"minSpare\":1}").status()).isEqualTo(200);
        assertThat(limits().get("idleLimit").asText()).isEqualTo("PT20M");
    }

    @Test
    void givenPoolWithLimits_whenPutWithoutThem_thenItHasNone() {
        JsonNode current = admin.get("/api/pools/" + pool).json();
        Answer put = admin.put("/api/pools/" + pool, admin.write(Map.of("name", current.get("name").asText(),
                "powerPolicy", "KEEP_RUNNING", "minSpare", 0, "maxSize", 4, "entitledUsers", List.of("alice"),
                "entitledGroups", List.of())));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(limits().get("disconnectedAction").asText()).isEqualTo("NONE");
        assertThat(limits().hasNonNull("idleLimit")).isFalse();
    }

    @Test
    void givenEveryRole_whenReadingAndChangingLimits_thenAdminsChangeEntitledAndAuditorsReadOthersAreRefused() {
        assertThat(new ApiClient(port, "alice", "demo").get("/api/pools/" + pool).json().get("sessionLimits")
                .get("idleLimit").asText()).isEqualTo("PT30M");
        assertThat(new ApiClient(port, "audrey", "demo").get("/api/pools/" + pool).json().get("sessionLimits")
                .get("maxLength").asText()).isEqualTo("PT8H");
        assertProblem(new ApiClient(port, "bob", "demo").get("/api/pools/" + pool), 404, "POOL_NOT_FOUND");
        long before = events();
        for (String user : List.of("alice", "bob", "audrey")) {
            ApiClient client = new ApiClient(port, user, "demo");
            assertProblem(client.patch("/api/pools/" + pool, "{\"sessionLimits\":{}}"), 403, "FORBIDDEN");
        }
        ApiClient anonymous = new ApiClient(port, null, null);
        assertProblem(anonymous.patch("/api/pools/" + pool, "{\"sessionLimits\":{}}"), 401, "UNAUTHENTICATED");
        assertProblem(anonymous.get("/api/pools/" + pool), 401, "UNAUTHENTICATED");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenImpossibleOrHostileLimits_whenPatched_thenEachIs4xxProblemJsonAndNothingIsStored() {
        long before = events();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"disconnectedAction\":\"SUSPEND\"}", "afterDisconnected");
        refused.put("{\"afterDisconnected\":\"PT5M\"}", "afterDisconnected");
        refused.put("{\"disconnectedAction\":\"HIBERNATE\",\"afterDisconnected\":\"PT5M\"}", "disconnectedAction");
        refused.put("{\"idleLimit\":\"PT0S\"}", "between");
        refused.put("{\"idleLimit\":\"-PT5M\"}", "between");
        refused.put("{\"idleLimit\":\"P400D\"}", "between");
        refused.put("{\"idleLimit\":\"P99999999999999999D\"}", "idleLimit");
        refused.put("{\"idleLimit\":\"PT5M\",\"idleWarning\":\"PT5M\"}", "idleWarning");
        refused.put("{\"idleWarning\":\"PT1M\"}", "idleWarning");
        refused.put("{\"endNotices\":[\"PT5M\"]}", "endNotices");
        refused.put("{\"maxLength\":\"PT1H\",\"endNotices\":[\"PT2H\"]}", "endNotices");
        refused.put("{\"maxLength\":\"PT8H\",\"endNotices\":[\"PT1M\",\"PT2M\",\"PT3M\",\"PT4M\",\"PT5M\",\"PT6M\"]}", "endNotices");
        refused.put("{\"maxLength\":\"8 hours\"}", "maxLength");
        refused.put("{\"maxLength\":\"\\u202EPT8H\"}", "maxLength");
        refused.put("{\"maxLength\":\"../../etc/passwd\"}", "maxLength");
        refused.put("{\"maxLength\":\"PT1H; DROP TABLE pool_view\"}", "maxLength");
        refused.put("{\"maxLength\":\"" + "9".repeat(5000) + "\"}", null);
        refused.put("{\"maxLength\":[\"PT1H\"]}", "maxLength");
        refused.put("{\"evil\":true}", "evil");
        refused.put("{\"endNotices\":\"PT5M\"}", "endNotices");
        for (Map.Entry<String, String> limits : refused.entrySet()) {
            Answer answer = admin.patch("/api/pools/" + pool, "{\"sessionLimits\":" + limits.getKey() + "}");
            assertThat(answer.status()).as(limits.getKey() + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).as(limits.getKey()).startsWith("application/problem+json");
            if (limits.getValue() != null) {
                assertThat(answer.body()).as(limits.getKey()).contains(limits.getValue());
            }
        }
        assertProblem(admin.patch("/api/pools/" + pool, "{\"sessionLimits\":null}"), 400, "VALIDATION_FAILED");
        assertProblem(admin.patch("/api/pools/" + pool, "{\"sessionLimits\":\"none\"}"), 400, "VALIDATION_FAILED");
        // a duration is read exactly as sent: a control character around it is refused, not trimmed away
        Answer control = admin.patch("/api/pools/" + pool, "{\"sessionLimits\":{\"maxLength\":\"PT8H\\u0000\"}}");
        assertThat(control.status()).as(control.body()).isEqualTo(400);
        assertThat(control.body()).contains("maxLength");
        assertThat(events()).isEqualTo(before);
        assertThat(limits().get("idleLimit").asText()).isEqualTo("PT30M");
    }

    @Test
    void givenImpossibleLimits_whenAPoolIsCreatedWithThem_thenRefusedAndNoPoolIsMade() {
        Answer answer = admin.post("/api/pools", "{\"name\":\"bad-" + UUID.randomUUID() + "\",\"templateId\":\""
                + template + "\",\"type\":\"PERSISTENT\",\"minSpare\":0,\"maxSize\":4,"
                + "\"sessionLimits\":{\"idleWarning\":\"PT1M\"}}");

        assertProblem(answer, 400, "POOL_LIMITS_INVALID");
    }

    @Test
    void givenTheLegacyPowerPolicyName_whenSent_thenRefusedNamingTheField() {
        Answer answer = admin.patch("/api/pools/" + pool, "{\"powerPolicy\":\"POWER_OFF_WHEN_IDLE\"}");

        assertProblem(answer, 400, "VALIDATION_FAILED");
        assertThat(answer.body()).contains("powerPolicy");
    }

    @Test
    void givenAnotherSite_whenItPatchesLimitsThroughTheAdminsBrowser_thenRefusedAndNothingChanges() {
        long before = events();
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        String body = "{\"sessionLimits\":{}}";
        assertThat(new WebClient(port).send("PATCH", "/api/pools/" + pool, evil, MERGE_PATCH, body).status()).isEqualTo(403);
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("PATCH", "/api/pools/" + pool, Map.of(), MERGE_PATCH, body).status()).isEqualTo(403);
        assertThat(events()).isEqualTo(before);
        Map<String, String> page = Map.of("X-XSRF-TOKEN", signedIn.csrfToken(), "Origin", signedIn.base(),
                "Sec-Fetch-Site", "same-origin");
        assertThat(signedIn.send("PATCH", "/api/pools/" + pool, page, MERGE_PATCH, body).status()).isEqualTo(200);
    }

    @Test
    void givenFiftyIdenticalLimitChangesAtOnce_whenTheyRace_thenEverySucceedsAndOneChangeIsRecorded() {
        String body = "{\"sessionLimits\":{\"maxLength\":\"PT4H\",\"endNotices\":[\"PT10M\"]}}";

        List<Answer> answers = Concurrently.run(50, () -> admin.patch("/api/pools/" + pool, body));

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        assertThat(limits().get("maxLength").asText()).isEqualTo("PT4H");
        assertThat(limitChanges()).isEqualTo(2);
    }
}
