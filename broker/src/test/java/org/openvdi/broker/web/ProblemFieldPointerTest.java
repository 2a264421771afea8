package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Refusals that concern one field of the request name it in the problem's {@code errors} ({@code field}, {@code message}),
 * as bean validation does, so the console shows the message next to that field: unreadable values, merge-patch
 * violations and removals, unknown fields, taken names, refused host URIs, session limits, retired versions and
 * descriptor keys. Field names a client made up are never echoed.
 */
@BrokerTest
class ProblemFieldPointerTest {

    @LocalServerPort
    int port;
    ApiClient admin;
    AdminScenario scenario;

    @BeforeEach
    void admin() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
    }

    static void assertField(Answer answer, int status, String code, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
        assertThat(answer.json().path("errors").findValuesAsText("field")).as(answer.body()).containsExactly(field);
        assertThat(answer.json().path("errors").get(0).get("message").asText()).isNotBlank();
    }

    @Test
    void givenAHostRequest_whenItsUriIsRefusedOrItsNameTaken_thenTheProblemPointsAtThatField() {
        String name = "fp-host-" + UUID.randomUUID();
        assertField(admin.post("/api/hosts", admin.write(Map.of("name", name, "uri", "file:///etc/passwd", "virtType", "QEMU",
                "maxDesktops", 1))), 400, "HOST_URI_NOT_ALLOWED", "uri");
        scenario.host(name, "test:///default", 1);
        assertField(admin.post("/api/hosts", admin.write(Map.of("name", name, "uri", "test:///default", "virtType", "QEMU",
                "maxDesktops", 1))), 409, "NAME_TAKEN", "name");
        assertField(admin.post("/api/hosts", "{\"name\":\"x\",\"uri\":\"test:///default\",\"virtType\":\"QEMU\",\"maxDesktops\":\"many\"}"),
                400, "VALIDATION_FAILED", "maxDesktops");
    }

    @Test
    void givenAPool_whenAPatchOrAPutHasABadField_thenTheProblemPointsAtIt() {
        String template = scenario.template("fp-t-" + UUID.randomUUID());
        String pool = scenario.pool("fp-pool-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 2, "alice");
        String other = scenario.pool("fp-other-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 2, "alice");
        String otherName = admin.get("/api/pools/" + other).json().get("name").asText();

        assertField(admin.patch("/api/pools/" + pool, "{\"maxSize\":0}"), 400, "VALIDATION_FAILED", "maxSize");
        assertField(admin.patch("/api/pools/" + pool, "{\"maxSize\":\"big\"}"), 400, "VALIDATION_FAILED", "maxSize");
        assertField(admin.patch("/api/pools/" + pool, "{\"entitledUsers\":null}"), 400, "VALIDATION_FAILED", "entitledUsers");
        assertField(admin.patch("/api/pools/" + pool, "{\"colour\":\"red\"}"), 400, "VALIDATION_FAILED", "colour");
        assertField(admin.patch("/api/pools/" + pool, "{\"x\\u202e\":1}"), 400, "VALIDATION_FAILED", "?");
        assertField(admin.patch("/api/pools/" + pool, "{\"sessionLimits\":{\"idleLimit\":\"soon\"}}"), 400, "VALIDATION_FAILED",
                "sessionLimits.idleLimit");
        assertField(admin.patch("/api/pools/" + pool, "{\"sessionLimits\":{\"idleWarning\":\"PT5M\"}}"), 400,
                "POOL_LIMITS_INVALID", "sessionLimits");
        assertField(admin.patch("/api/pools/" + pool, admin.write(Map.of("name", otherName))), 409, "NAME_TAKEN", "name");
        assertField(admin.put("/api/pools/" + pool, admin.write(Map.of("name", "fp-" + UUID.randomUUID(), "powerPolicy",
                "KEEP_RUNNING", "minSpare", "none", "maxSize", 2, "entitledUsers", List.of(), "entitledGroups", List.of()))),
                400, "VALIDATION_FAILED", "minSpare");
        assertThat(admin.get("/api/pools/" + pool).json().get("maxSize").asInt()).isEqualTo(2);
    }

    /**
     * A patch with several fields at fault names each with its own message, and a spare policy's refusal names the
     * member at fault (the pool editor shows each at its field); nothing is changed.
     */
    @Test
    void givenAPool_whenAPatchHasSeveralBadFieldsOrABadSparePolicyMember_thenEachIsNamed() {
        String template = scenario.template("fp-m-" + UUID.randomUUID());
        String pool = scenario.pool("fp-multi-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 2, "alice");
        String before = settings(pool);

        Answer several = admin.patch("/api/pools/" + pool, "{\"name\":\"" + "n".repeat(500) + "\",\"maxSize\":0,"
                + "\"entitledUsers\":[\"../../root\"],\"hostSelector\":[\"site=$(reboot)\"]}");
        assertThat(several.status()).as(several.body()).isEqualTo(400);
        assertThat(several.json().path("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("entitledUsers", "hostSelector", "maxSize", "name");
        assertThat(several.json().path("errors").findValuesAsText("message")).allMatch(m -> !m.isBlank());

        String schedule = "{\"sparePolicy\":{\"type\":\"SCHEDULE\",\"zone\":\"%s\",\"otherwise\":%d,\"windows\":[%s]}}";
        String window = "{\"days\":[\"MONDAY\"],\"from\":\"07:00\",\"to\":\"%s\",\"spares\":1}";
        assertField(admin.patch("/api/pools/" + pool, schedule.formatted("../../etc/localtime", 0, "")), 400,
                "VALIDATION_FAILED", "sparePolicy.zone");
        assertField(admin.patch("/api/pools/" + pool, schedule.formatted("Europe/Nowhere", 0, "")), 400,
                "VALIDATION_FAILED", "sparePolicy.zone");
        assertField(admin.patch("/api/pools/" + pool, schedule.formatted("UTC", -3, "")), 400,
                "VALIDATION_FAILED", "sparePolicy.otherwise");
        assertField(admin.patch("/api/pools/" + pool, schedule.formatted("UTC", 0, window.formatted("07:00"))), 400,
                "VALIDATION_FAILED", "sparePolicy.windows[0]");
        assertField(admin.patch("/api/pools/" + pool, schedule.formatted("UTC", 0, window.formatted("25:00"))), 400,
                "VALIDATION_FAILED", "sparePolicy.windows[0].to");
        assertField(admin.patch("/api/pools/" + pool, "{\"sparePolicy\":{\"type\":\"PREDICTIVE\",\"safetyMargin\":-1,"
                + "\"minSpare\":0,\"maxSpare\":2,\"forecastOnly\":false}}"), 400, "VALIDATION_FAILED", "sparePolicy.safetyMargin");
        Answer below = admin.patch("/api/pools/" + pool, "{\"sparePolicy\":{\"type\":\"PREDICTIVE\",\"safetyMargin\":0.5,"
                + "\"minSpare\":3,\"maxSpare\":2,\"forecastOnly\":false}}");
        assertField(below, 400, "VALIDATION_FAILED", "sparePolicy.maxSpare");
        assertThat(below.json().path("detail").asText()).contains("maxSpare must not be below minSpare");
        assertField(admin.patch("/api/pools/" + pool, "{\"sparePolicy\":{\"type\":\"STATIC\",\"spares\":-1}}"), 400,
                "VALIDATION_FAILED", "sparePolicy.spares");
        assertThat(settings(pool)).isEqualTo(before);
    }

    private String settings(String pool) {
        JsonNode p = admin.get("/api/pools/" + pool).json();
        return List.of("name", "maxSize", "entitledUsers", "hostSelector", "sparePolicy").stream()
                .map(f -> f + "=" + p.get(f)).toList().toString();
    }

    @Test
    void givenATemplate_whenADescriptorKeyOrARetiredVersionIsRefused_thenTheProblemPointsAtIt() {
        assertField(admin.post("/api/templates", "application/yaml", "name: fp-d\nhardware:\n  vcpus: -1\n  memoryMiB: 256\n"),
                400, "VALIDATION_FAILED", "hardware.vcpus");
        String template = scenario.template("fp-r-" + UUID.randomUUID());
        assertThat(admin.post("/api/templates/" + template + "/versions/1/retire", "{}").status()).isEqualTo(200);
        assertField(admin.post("/api/pools", admin.write(Map.of("name", "fp-" + UUID.randomUUID(), "templateId", template,
                "templateVersion", 1, "type", "FLOATING", "maxSize", 1))), 409, "TEMPLATE_VERSION_RETIRED", "templateVersion");
    }
}
