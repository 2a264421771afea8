package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Changing a pool: {@code PUT} replaces every setting and so requires every field (leaving out
 * {@code entitledUsers} used to revoke everyone), {@code PATCH} is a JSON Merge Patch that changes only the fields
 * it names. Refusals are problem+json and store nothing.
 */
@BrokerTest
class PoolChangeApiTest {

    static final String MERGE_PATCH = "application/merge-patch+json";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    String pool;
    String name;

    @BeforeEach
    void pool() throws IOException {
        AdminScenario scenario = new AdminScenario(port);
        admin = scenario.admin();
        String template = scenario.template("change-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        name = "change-" + UUID.randomUUID();
        Answer created = admin.post("/api/pools", admin.write(Map.of("name", name, "templateId", template, "type", "FLOATING",
                "minSpare", 0, "maxSize", 4, "entitledUsers", List.of("alice", "bob"), "entitledGroups", List.of("engineering"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        pool = created.json().get("id").asText();
    }

    Map<String, Object> whole() {
        return new HashMap<>(Map.of("name", name, "powerPolicy", "KEEP_RUNNING", "minSpare", 1,
                "maxSize", 4, "entitledUsers", List.of("alice", "bob"), "entitledGroups", List.of("engineering")));
    }

    long events() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(pool)
                .query(Long.class).single();
    }

    JsonNode current() {
        return admin.get("/api/pools/" + pool).json();
    }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    @Test
    void givenPool_whenPutLeavesOutAnyField_thenEachIsRefusedByNameAndNothingIsRevoked() {
        long before = events();
        for (String field : whole().keySet()) {
            Map<String, Object> body = whole();
            body.remove(field);
            Answer answer = admin.put("/api/pools/" + pool, admin.write(body));
            assertProblem(answer, 400, "VALIDATION_FAILED");
            assertThat(answer.body()).as(field).contains(field);
        }
        assertThat(events()).isEqualTo(before);
        assertThat(strings(current().get("entitledUsers"))).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void givenPool_whenPutWithEveryField_thenEverySettingIsReplaced() {
        Map<String, Object> body = whole();
        body.put("entitledUsers", List.of("carol"));
        body.put("entitledGroups", List.of());
        Answer answer = admin.put("/api/pools/" + pool, admin.write(body));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(strings(answer.json().get("entitledUsers"))).containsExactly("carol");
        assertThat(strings(answer.json().get("entitledGroups"))).isEmpty();
        assertThat(answer.json().get("minSpare").asInt()).isEqualTo(1);
    }

    @Test
    void givenPool_whenPatchedWithOneField_thenOnlyThatFieldChanges() {
        Answer answer = admin.patch("/api/pools/" + pool, "{\"minSpare\":2}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode after = current();
        assertThat(after.get("minSpare").asInt()).isEqualTo(2);
        assertThat(after.get("maxSize").asInt()).isEqualTo(4);
        assertThat(after.get("name").asText()).isEqualTo(name);
        assertThat(after.get("powerPolicy").asText()).isEqualTo("KEEP_RUNNING");
        assertThat(strings(after.get("entitledUsers"))).containsExactlyInAnyOrder("alice", "bob");
        assertThat(strings(after.get("entitledGroups"))).containsExactly("engineering");

        Answer groups = admin.patch("/api/pools/" + pool, "{\"entitledGroups\":[],\"powerPolicy\":\"POWER_OFF_AT_LOGOFF\"}");
        assertThat(groups.status()).as(groups.body()).isEqualTo(200);
        assertThat(strings(current().get("entitledGroups"))).isEmpty();
        assertThat(strings(current().get("entitledUsers"))).containsExactlyInAnyOrder("alice", "bob");
        assertThat(current().get("powerPolicy").asText()).isEqualTo("POWER_OFF_AT_LOGOFF");
    }

    @Test
    void givenPool_whenPatchedAsPlainJsonOrEmpty_thenJsonIsAcceptedAndAnEmptyPatchRecordsNothing() {
        WebClient client = new WebClient(port);
        Map<String, String> basic = Map.of("Authorization", WebClient.basic("admin", "demo"));
        assertThat(client.send("PATCH", "/api/pools/" + pool, basic, "application/json", "{\"maxSize\":5}").status())
                .isEqualTo(200);
        assertThat(current().get("maxSize").asInt()).isEqualTo(5);
        long before = events();
        Answer empty = admin.patch("/api/pools/" + pool, "{}");
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
        assertThat(empty.json().get("maxSize").asInt()).isEqualTo(5);
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenHostilePatches_whenSent_thenEachIs4xxProblemJsonAndNothingIsStored() {
        String other = "other-" + UUID.randomUUID();
        admin.post("/api/pools", admin.write(Map.of("name", other, "templateId", current().get("templateId").asText(),
                "type", "FLOATING", "minSpare", 0, "maxSize", 1)));
        long before = events();
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("{\"entitledUsers\":null}", "entitledUsers");        // removing a required setting
        refused.put("{\"name\":null}", "name");
        refused.put("{\"evil\":true}", "evil");                          // unknown field
        refused.put("{\"minSpare\":\"2\"}", "minSpare");                 // wrong type
        refused.put("{\"minSpare\":1.5}", "minSpare");
        refused.put("{\"minSpare\":-1}", "minSpare");                    // out of range
        refused.put("{\"maxSize\":100000}", "maxSize");
        refused.put("{\"powerPolicy\":\"REBOOT_HOURLY\"}", "powerPolicy");
        refused.put("{\"name\":\"   \"}", "name");
        refused.put("{\"name\":\"a\\u0000b\"}", "name");                // control character
        refused.put("{\"name\":\"evil\\u202Egnp.exe\"}", "name");       // bidi override
        refused.put("{\"name\":\"" + "x".repeat(5000) + "\"}", "name");
        refused.put("{\"entitledUsers\":[\"alice\",null]}", "entitledUsers");
        refused.put("{\"entitledUsers\":[\"../../etc/passwd\"]}", "entitledUsers");
        refused.put("{\"entitledUsers\":[\"alice; DROP TABLE pool\"]}", "entitledUsers");
        refused.put("{\"minSpare\":1,\"minSpare\":2}", null);             // duplicate key
        refused.put("[{\"op\":\"replace\",\"path\":\"/minSpare\",\"value\":2}]", null); // a JSON Patch is not a merge patch
        refused.put("\"minSpare\"", null);
        refused.put("{\"minSpare\":", null);
        refused.put("{\"minSpare\":5}", "minSpare");                     // more spares than maxSize 4
        for (Map.Entry<String, String> patch : refused.entrySet()) {
            Answer answer = admin.patch("/api/pools/" + pool, patch.getKey());
            assertThat(answer.status()).as(patch.getKey() + ": " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            if (patch.getValue() != null) {
                assertThat(answer.body()).as(patch.getKey()).contains(patch.getValue());
            }
        }
        assertProblem(admin.patch("/api/pools/" + pool, "{\"name\":\"" + other + "\"}"), 409, "NAME_TAKEN");
        byte[] huge = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        WebClient.Answer tooBig = new WebClient(port).send("PATCH", "/api/pools/" + pool,
                Map.of("Authorization", WebClient.basic("admin", "demo")), MERGE_PATCH,
                new String(huge, java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");
        assertProblem(admin.patch("/api/pools/" + UUID.randomUUID(), "{\"minSpare\":1}"), 404, "POOL_NOT_FOUND");
        assertProblem(admin.patch("/api/pools/not-a-uuid", "{\"minSpare\":1}"), 400, null);
        assertThat(events()).isEqualTo(before);
        assertThat(current().get("name").asText()).isEqualTo(name);
    }

    @Test
    void givenEveryRole_whenChangingAPool_thenOnlyAdminsMayAndOthersAreToldWhy() {
        long before = events();
        for (String user : List.of("alice", "bob", "audrey")) {
            ApiClient client = new ApiClient(port, user, "demo");
            assertProblem(client.patch("/api/pools/" + pool, "{\"minSpare\":1}"), 403, "FORBIDDEN");
            assertProblem(client.put("/api/pools/" + pool, client.write(whole())), 403, "FORBIDDEN");
        }
        ApiClient anonymous = new ApiClient(port, null, null);
        assertProblem(anonymous.patch("/api/pools/" + pool, "{\"minSpare\":1}"), 401, "UNAUTHENTICATED");
        assertProblem(anonymous.put("/api/pools/" + pool, anonymous.write(whole())), 401, "UNAUTHENTICATED");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenAnotherSite_whenItPatchesAPoolThroughTheAdminsBrowser_thenRefusedAndNothingChanges() {
        WebClient browser = new WebClient(port);
        long before = events();
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        assertThat(browser.send("PATCH", "/api/pools/" + pool, evil, MERGE_PATCH, "{\"minSpare\":1}").status()).isEqualTo(403);
        assertThat(browser.send("PATCH", "/api/pools/" + pool, evil, "text/plain", "{\"minSpare\":1}").status()).isEqualTo(415);
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("PATCH", "/api/pools/" + pool, Map.of(), MERGE_PATCH, "{\"minSpare\":1}").status())
                .isEqualTo(403);
        Map<String, String> page = Map.of("X-XSRF-TOKEN", signedIn.csrfToken(), "Origin", signedIn.base(),
                "Sec-Fetch-Site", "same-origin");
        assertThat(events()).isEqualTo(before);
        assertThat(signedIn.send("PATCH", "/api/pools/" + pool, page, MERGE_PATCH, "{\"minSpare\":1}").status())
                .isEqualTo(200);
    }

    @Test
    void givenFiftyPatchesOfDifferentFieldsAtOnce_whenTheyRace_thenEveryOneSucceedsAndNoneUndoesAnother() {
        AtomicInteger next = new AtomicInteger();
        String renamed = name + "-renamed";
        List<Answer> answers = Concurrently.run(50, () -> switch (next.getAndIncrement() % 3) {
            case 0 -> admin.patch("/api/pools/" + pool, "{\"minSpare\":3}");
            case 1 -> admin.patch("/api/pools/" + pool, "{\"name\":\"" + renamed + "\"}");
            default -> admin.patch("/api/pools/" + pool, "{\"powerPolicy\":\"POWER_OFF_AT_LOGOFF\"}");
        });
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        JsonNode after = current();
        assertThat(after.get("minSpare").asInt()).isEqualTo(3);
        assertThat(after.get("name").asText()).isEqualTo(renamed);
        assertThat(after.get("powerPolicy").asText()).isEqualTo("POWER_OFF_AT_LOGOFF");
        assertThat(strings(after.get("entitledUsers"))).containsExactlyInAnyOrder("alice", "bob");
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE '%PoolReconfiguredEvent'")
                .param(pool).query(Long.class).single()).isEqualTo(50);
    }

    long recordingChanges() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE "
                + "'%PoolRecordingChangedEvent'").param(pool).query(Long.class).single();
    }

    @Test
    void givenPool_whenRecordingIsPatchedOnThenPutWithoutIt_thenOnThenOffEachAnEventAndInvalidValuesRefused() {
        assertThat(current().get("recording").asBoolean()).as("a new pool does not record").isFalse();

        Answer on = admin.patch("/api/pools/" + pool, "{\"recording\":true}");
        Answer again = admin.patch("/api/pools/" + pool, "{\"recording\":true}");

        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json().get("recording").asBoolean()).isTrue();
        assertThat(again.json().get("recording").asBoolean()).isTrue();
        assertThat(recordingChanges()).isEqualTo(1);
        Answer minSpare = admin.patch("/api/pools/" + pool, "{\"minSpare\":1}");
        assertThat(minSpare.json().get("recording").asBoolean()).as("a patch without it keeps it").isTrue();
        long before = events();
        for (String invalid : List.of("{\"recording\":null}", "{\"recording\":\"yes\"}", "{\"recording\":[true]}",
                "{\"recording\":\"\u202etrue\"}")) {
            assertProblem(admin.patch("/api/pools/" + pool, invalid), 400, "VALIDATION_FAILED");
        }
        assertThat(events()).isEqualTo(before);

        Answer put = admin.put("/api/pools/" + pool, admin.write(whole()));

        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("recording").asBoolean()).as("PUT without it: off").isFalse();
        assertThat(recordingChanges()).isEqualTo(2);
        Map<String, Object> recorded = whole();
        recorded.put("recording", true);
        assertThat(admin.put("/api/pools/" + pool, admin.write(recorded)).json().get("recording").asBoolean()).isTrue();
    }

    @Test
    void givenNewPoolThatRecords_whenCreated_thenItRecords() throws IOException {
        AdminScenario scenario = new AdminScenario(port);
        String template = scenario.template("rec-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        Answer created = admin.post("/api/pools", admin.write(Map.of("name", "rec-" + UUID.randomUUID(), "templateId",
                template, "type", "FLOATING", "minSpare", 0, "maxSize", 1, "recording", true)));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("recording").asBoolean()).isTrue();
        assertProblem(admin.post("/api/pools", admin.write(Map.of("name", "rec-" + UUID.randomUUID(), "templateId",
                template, "type", "FLOATING", "minSpare", 0, "maxSize", 1, "recording", "sometimes"))), 400, null);
    }
}
