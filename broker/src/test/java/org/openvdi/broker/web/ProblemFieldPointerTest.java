package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

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
