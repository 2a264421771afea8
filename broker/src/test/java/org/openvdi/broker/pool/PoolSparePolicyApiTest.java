package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.pool.PoolChangeApiTest.MERGE_PATCH;
import static org.openvdi.broker.pool.PoolChangeApiTest.assertProblem;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.RequestEvents;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A pool's spare policy through the API: set on create, PUT and PATCH, shown to admins and auditors only, refused as
 * problem+json when malformed or hostile (nothing stored), only admins may change it, and the live capacity process
 * records the target it computes from it once.
 */
@BrokerTest
class PoolSparePolicyApiTest {

    private static final String SCHEDULE = """
            {"type":"SCHEDULE","zone":"Europe/Berlin","otherwise":1,
             "windows":[{"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY"],"from":"07:30","to":"09:30","spares":3},
                        {"days":["FRIDAY"],"from":"22:00","to":"02:00","spares":2}]}""";
    private static final String PREDICTIVE = """
            {"type":"PREDICTIVE","safetyMargin":0.25,"minSpare":1,"maxSpare":3,"forecastOnly":true}""";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    org.axonframework.config.Configuration axon;

    ApiClient admin;
    String template;
    String pool;

    @BeforeEach
    void pool() throws IOException {
        AdminScenario scenario = new AdminScenario(port);
        admin = scenario.admin();
        template = scenario.template("spare-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        Answer created = create(Map.of("minSpare", 0));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        pool = created.json().get("id").asText();
    }

    Answer create(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "spare-" + UUID.randomUUID(), "templateId", template,
                "type", "FLOATING", "maxSize", 4, "entitledUsers", List.of("alice", "bob")));
        body.putAll(extra);
        return admin.post("/api/pools", admin.write(body));
    }

    Answer createWithPolicy(String policyJson, String more) {
        return admin.post("/api/pools", "{\"name\":\"spare-" + UUID.randomUUID() + "\",\"templateId\":\"" + template
                + "\",\"type\":\"FLOATING\",\"maxSize\":4,\"entitledUsers\":[\"alice\"]" + more + ",\"sparePolicy\":"
                + policyJson + "}");
    }

    long events(String aggregate) {
        return RequestEvents.count(jdbc, aggregate);
    }

    long pools() {
        return jdbc.sql("SELECT count(*) FROM pool_view").query(Long.class).single();
    }

    JsonNode current() {
        return admin.get("/api/pools/" + pool).json();
    }

    @Test
    void givenNewPoolWithoutPolicy_whenRead_thenItIsStaticAtMinSpareForAdminsAndAuditorsOnly() {
        Answer created = create(Map.of("minSpare", 2));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        for (String reader : List.of("admin", "audrey")) {
            JsonNode seen = new ApiClient(port, reader, "demo").get("/api/pools/" + id).json();
            assertThat(seen.get("sparePolicy").get("type").asText()).as(reader).isEqualTo("STATIC");
            assertThat(seen.get("sparePolicy").get("spares").asInt()).isEqualTo(2);
            assertThat(seen.get("spareTarget").get("spares").asInt()).isEqualTo(2);
            assertThat(seen.get("spareTarget").get("reason").asText()).isEqualTo("STATIC");
        }
        JsonNode alice = new ApiClient(port, "alice", "demo").get("/api/pools/" + id).json();
        assertThat(alice.get("minSpare").asInt()).isEqualTo(2);
        assertThat(alice.has("sparePolicy")).as(alice.toString()).isFalse();
        assertThat(alice.has("spareTarget")).isFalse();
        assertProblem(new ApiClient(port, null, null).get("/api/pools/" + id), 401, "UNAUTHENTICATED");
    }

    @Test
    void givenScheduleOnCreate_whenCreated_thenStoredWholeAndMinSpareIsItsOtherwise() {
        Answer created = createWithPolicy(SCHEDULE, "");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode policy = created.json().get("sparePolicy");
        assertThat(policy.get("type").asText()).isEqualTo("SCHEDULE");
        assertThat(policy.get("zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(policy.get("windows")).hasSize(2);
        assertThat(policy.get("windows").get(1).get("from").asText()).startsWith("22:00");
        assertThat(created.json().get("minSpare").asInt()).isEqualTo(1);
        assertProblem(createWithPolicy(SCHEDULE, ",\"minSpare\":3"), 400, "SPARE_POLICY_INVALID");
        assertThat(createWithPolicy(SCHEDULE, ",\"minSpare\":1").status()).isEqualTo(201);
    }

    @Test
    void givenPool_whenPutWithAndWithoutPolicy_thenThePolicyOrStaticMinSpareAndNeitherIsRefused() {
        String base = "{\"name\":\"" + current().get("name").asText() + "\",\"powerPolicy\":\"KEEP_RUNNING\",\"maxSize\":4,"
                + "\"entitledUsers\":[\"alice\"],\"entitledGroups\":[]";
        Answer withPolicy = admin.put("/api/pools/" + pool, base + ",\"sparePolicy\":" + PREDICTIVE + "}");
        assertThat(withPolicy.status()).as(withPolicy.body()).isEqualTo(200);
        assertThat(withPolicy.json().get("sparePolicy").get("type").asText()).isEqualTo("PREDICTIVE");
        assertThat(withPolicy.json().get("sparePolicy").get("forecastOnly").asBoolean()).isTrue();
        assertThat(withPolicy.json().get("minSpare").asInt()).isEqualTo(1);

        Answer withMinSpare = admin.put("/api/pools/" + pool, base + ",\"minSpare\":2}");
        assertThat(withMinSpare.status()).as(withMinSpare.body()).isEqualTo(200);
        assertThat(withMinSpare.json().get("sparePolicy").get("type").asText()).isEqualTo("STATIC");
        assertThat(withMinSpare.json().get("sparePolicy").get("spares").asInt()).isEqualTo(2);

        long before = events(pool);
        Answer neither = admin.put("/api/pools/" + pool, base + "}");
        assertProblem(neither, 400, "VALIDATION_FAILED");
        assertThat(neither.body()).contains("minSpare");
        assertProblem(admin.put("/api/pools/" + pool, base + ",\"minSpare\":3,\"sparePolicy\":" + PREDICTIVE + "}"), 400,
                "SPARE_POLICY_INVALID");
        assertThat(events(pool)).isEqualTo(before);
    }

    @Test
    void givenPool_whenPatched_thenThePolicyIsReplacedWholeAndMinSpareAloneOnlySetsAStaticOne() {
        Answer scheduled = admin.patch("/api/pools/" + pool, "{\"sparePolicy\":" + SCHEDULE + "}");
        assertThat(scheduled.status()).as(scheduled.body()).isEqualTo(200);
        assertThat(scheduled.json().get("sparePolicy").get("type").asText()).isEqualTo("SCHEDULE");
        assertThat(scheduled.json().get("maxSize").asInt()).as("the rest stays").isEqualTo(4);

        Answer minSpare = admin.patch("/api/pools/" + pool, "{\"minSpare\":2}");
        assertProblem(minSpare, 400, "SPARE_POLICY_INVALID");
        assertThat(minSpare.body()).contains("minSpare");

        Answer backToStatic = admin.patch("/api/pools/" + pool, "{\"sparePolicy\":{\"type\":\"STATIC\",\"spares\":2}}");
        assertThat(backToStatic.status()).as(backToStatic.body()).isEqualTo(200);
        assertThat(backToStatic.json().get("minSpare").asInt()).isEqualTo(2);
        Answer lowered = admin.patch("/api/pools/" + pool, "{\"minSpare\":0}");
        assertThat(lowered.status()).as(lowered.body()).isEqualTo(200);
        assertThat(lowered.json().get("sparePolicy").get("spares").asInt()).isEqualTo(0);
    }

    @Test
    void givenHostilePolicies_whenPatchedOrCreated_thenEachIs4xxProblemJsonAndNothingIsStored() {
        String window = "{\"days\":[\"MONDAY\"],\"from\":\"07:00\",\"to\":\"08:00\",\"spares\":1}";
        List<String> windows = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            windows.add(window);
        }
        List<String> hostile = List.of(
                "null",                                                                 // removing a required setting
                "\"STATIC\"",
                "[]",
                "{}",                                                                   // no type
                "{\"type\":\"RANDOM\",\"spares\":1}",
                "{\"type\":\"STATIC\",\"spares\":-1}",
                "{\"type\":\"STATIC\",\"spares\":\"2\"}",
                "{\"type\":\"STATIC\",\"spares\":1.5}",
                "{\"type\":\"STATIC\",\"spares\":99999999999}",
                "{\"type\":\"STATIC\",\"spares\":1,\"evil\":true}",
                "{\"type\":\"STATIC\",\"spares\":1,\"spares\":2}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"Europe/Nowhere\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"Europe/Berlin\\u0000\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"\\u202eEurope/Berlin\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"../../../etc/localtime\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"Europe/Berlin; rm -rf /\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"" + "A".repeat(5000) + "\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"windows\":[],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[" + String.join(",", windows) + "],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[null],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":{},\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[],\"otherwise\":-3}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[],\"from\":\"07:00\",\"to\":\"08:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"FUNDAY\"],\"from\":\"07:00\",\"to\":\"08:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"MONDAY\",null],\"from\":\"07:00\",\"to\":\"08:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"MONDAY\"],\"from\":\"25:00\",\"to\":\"08:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"MONDAY\"],\"from\":\"07:00\",\"to\":\"07:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"MONDAY\"],\"from\":\"07:00\u202e\",\"to\":\"08:00\",\"spares\":1}],\"otherwise\":0}",
                "{\"type\":\"SCHEDULE\",\"zone\":\"UTC\",\"windows\":[{\"days\":[\"MONDAY\"],\"from\":\"07:00\",\"to\":\"08:00\",\"spares\":-1}],\"otherwise\":0}",
                "{\"type\":\"PREDICTIVE\",\"safetyMargin\":-0.5,\"minSpare\":0,\"maxSpare\":2,\"forecastOnly\":false}",
                "{\"type\":\"PREDICTIVE\",\"safetyMargin\":1e309,\"minSpare\":0,\"maxSpare\":2,\"forecastOnly\":false}",
                "{\"type\":\"PREDICTIVE\",\"safetyMargin\":0.1,\"minSpare\":3,\"maxSpare\":2,\"forecastOnly\":false}",
                "{\"type\":\"PREDICTIVE\",\"safetyMargin\":0.1,\"minSpare\":0,\"maxSpare\":2,\"forecastOnly\":\"yes\"}",
                "{\"type\":\"PREDICTIVE\",\"safetyMargin\":0.1,\"minSpare\":5,\"maxSpare\":6,\"forecastOnly\":false}"); // > maxSize 4
        long before = events(pool);
        long poolsBefore = pools();
        for (String policy : hostile) {
            Answer patched = admin.patch("/api/pools/" + pool, "{\"sparePolicy\":" + policy + "}");
            assertThat(patched.status()).as(policy + ": " + patched.body()).isBetween(400, 499);
            assertThat(patched.contentType()).startsWith("application/problem+json");
            assertThat(patched.body()).as(policy).doesNotContain("\u202e").doesNotContain("rm -rf").doesNotContain("AAAAAAAA");
            if (policy.equals("null")) {
                continue; // a new pool without a policy is STATIC(minSpare)
            }
            Answer created = createWithPolicy(policy, "");
            assertThat(created.status()).as(policy + ": " + created.body()).isBetween(400, 499);
            assertThat(created.contentType()).startsWith("application/problem+json");
        }
        assertThat(events(pool)).isEqualTo(before);
        assertThat(pools()).isEqualTo(poolsBefore);
        assertThat(current().get("sparePolicy").get("type").asText()).isEqualTo("STATIC");
    }

    @Test
    void givenEveryRole_whenChangingTheSparePolicy_thenOnlyAdminsMayAndOthersAreToldWhy() {
        long before = events(pool);
        String patch = "{\"sparePolicy\":" + PREDICTIVE + "}";
        for (String user : List.of("alice", "bob", "audrey")) {
            assertProblem(new ApiClient(port, user, "demo").patch("/api/pools/" + pool, patch), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).patch("/api/pools/" + pool, patch), 401, "UNAUTHENTICATED");
        assertThat(events(pool)).isEqualTo(before);
        assertThat(admin.patch("/api/pools/" + pool, patch).status()).isEqualTo(200);
    }

    @Test
    void givenAnotherSite_whenItPatchesTheSparePolicyThroughTheAdminsBrowser_thenRefusedAndNothingChanges() {
        long before = events(pool);
        String patch = "{\"sparePolicy\":" + PREDICTIVE + "}";
        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site");
        assertThat(browser.send("PATCH", "/api/pools/" + pool, evil, MERGE_PATCH, patch).status()).isEqualTo(403);
        assertThat(browser.send("PATCH", "/api/pools/" + pool, evil, "text/plain", patch).status()).isEqualTo(415);
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("PATCH", "/api/pools/" + pool, Map.of(), MERGE_PATCH, patch).status()).isEqualTo(403);
        assertThat(events(pool)).isEqualTo(before);
        assertThat(current().get("sparePolicy").get("type").asText()).isEqualTo("STATIC");
    }

    @Test
    void givenFiftyIdenticalPolicyPatchesAtOnce_whenTheyRace_thenAllSucceedAndThePoolHasThatPolicy() {
        String patch = "{\"sparePolicy\":" + SCHEDULE + "}";

        List<Answer> answers = Concurrently.run(50, () -> admin.patch("/api/pools/" + pool, patch));

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        JsonNode policy = current().get("sparePolicy");
        assertThat(policy.get("type").asText()).isEqualTo("SCHEDULE");
        assertThat(policy.get("windows")).hasSize(2);
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE "
                + "'%PoolReconfiguredEvent'").param(pool).query(Long.class).single()).isEqualTo(50);
    }

    @Test
    void givenScheduleAskingForMoreThanMaxSize_whenTheCapacityProcessRuns_thenItRecordsTheClampedTargetOnce()
            throws InterruptedException {
        String always = """
                {"type":"SCHEDULE","zone":"UTC","otherwise":0,"windows":[
                 {"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY","SATURDAY","SUNDAY"],"from":"00:00","to":"12:00","spares":9},
                 {"days":["MONDAY","TUESDAY","WEDNESDAY","THURSDAY","FRIDAY","SATURDAY","SUNDAY"],"from":"12:00","to":"00:00","spares":9}]}""";
        assertThat(admin.patch("/api/pools/" + pool, "{\"maxSize\":1,\"sparePolicy\":" + always + "}").status()).isEqualTo(200);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        JsonNode target = current().get("spareTarget");
        while ((target == null || !"CLAMPED_MAX_SIZE".equals(target.get("reason").asText())) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            target = current().get("spareTarget");
        }
        assertThat(target).as("recorded target").isNotNull();
        assertThat(target.get("reason").asText()).isEqualTo("CLAMPED_MAX_SIZE");
        assertThat(target.get("spares").asInt()).isEqualTo(1);
        Thread.sleep(3000); // a few more capacity ticks
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE "
                + "'%PoolSpareTargetChangedEvent'").param(pool).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void givenPoolEventsWrittenBeforeSparePolicies_whenRead_thenTheyCarryStaticAtMinSpare() {
        String created = """
                {"poolId":"%s","name":"old","templateId":"%s","templateVersion":1,"type":"FLOATING",
                 "powerPolicy":"KEEP_RUNNING","minSpare":3,"maxSize":5,"entitledUsers":[],"entitledGroups":[],
                 "createdBy":"admin","recording":false}""".formatted(UUID.randomUUID(), UUID.randomUUID());
        String reconfigured = """
                {"poolId":"%s","name":"old","minSpare":2,"maxSize":5,"powerPolicy":"KEEP_RUNNING","changedBy":"admin"}"""
                .formatted(UUID.randomUUID());

        org.axonframework.serialization.Serializer eventSerializer = axon.eventSerializer();
        PoolCreatedEvent oldCreated = eventSerializer.deserialize(new SimpleSerializedObject<>(created, String.class,
                new SimpleSerializedType(PoolCreatedEvent.class.getName(), "2")));
        PoolReconfiguredEvent oldReconfigured = eventSerializer.deserialize(new SimpleSerializedObject<>(reconfigured,
                String.class, new SimpleSerializedType(PoolReconfiguredEvent.class.getName(), "1")));

        assertThat(oldCreated.sparePolicy()).isEqualTo(new SparePolicy.Static(3));
        assertThat(oldReconfigured.sparePolicy()).isEqualTo(new SparePolicy.Static(2));
    }
}
