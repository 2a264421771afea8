package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What each role sees of a pool: admins and auditors every entitlement, employees only their own, and a pool
 * an employee is not entitled to does not exist for them, neither to read nor to ask a desktop of.
 */
@BrokerTest
class PoolExposureTest {

    @LocalServerPort
    int port;

    AdminScenario scenario;
    ApiClient admin;
    ApiClient audrey;
    ApiClient alice;
    ApiClient bob;
    ApiClient anonymous;
    String template;

    @BeforeEach
    void clients() throws IOException {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        audrey = new ApiClient(port, "audrey", "demo");
        alice = new ApiClient(port, "alice", "demo");
        bob = new ApiClient(port, "bob", "demo");
        anonymous = new ApiClient(port, null, null);
        template = scenario.template("exposure-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
    }

    String pool(String name, List<String> users, List<String> groups) {
        var answer = admin.post("/api/pools", admin.write(Map.of("name", name, "templateId", template, "type", "FLOATING",
                "minSpare", 0, "maxSize", 1, "entitledUsers", users, "entitledGroups", groups)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> list.add(n.asText()));
        }
        return list;
    }

    static JsonNode listed(ApiClient user, String poolId) {
        for (JsonNode pool : user.get("/api/pools").json()) {
            if (pool.get("id").asText().equals(poolId)) {
                return pool;
            }
        }
        return null;
    }

    @Test
    void givenPoolOfSeveralUsersAndAGroup_whenAdminsAndAuditorsLook_thenTheySeeEveryEntitlement() {
        String id = pool("exposure-" + UUID.randomUUID(), List.of("alice", "bob", "carol"), List.of("engineering", "sales"));

        for (ApiClient reader : List.of(admin, audrey)) {
            for (JsonNode pool : List.of(reader.get("/api/pools/" + id).json(), listed(reader, id))) {
                assertThat(strings(pool.get("entitledUsers"))).containsExactlyInAnyOrder("alice", "bob", "carol");
                assertThat(strings(pool.get("entitledGroups"))).containsExactlyInAnyOrder("engineering", "sales");
            }
        }
    }

    @Test
    void givenPoolOfSeveralUsersAndAGroup_whenAnEmployeeLooks_thenSheSeesOnlyHerOwnEntitlement() {
        String id = pool("exposure-" + UUID.randomUUID(), List.of("alice", "bob", "carol"), List.of("engineering", "sales"));

        for (JsonNode pool : List.of(alice.get("/api/pools/" + id).json(), listed(alice, id))) {
            assertThat(strings(pool.get("entitledUsers"))).containsExactly("alice");
            assertThat(strings(pool.get("entitledGroups"))).containsExactly("engineering");
        }
        JsonNode seenByBob = bob.get("/api/pools/" + id).json();
        assertThat(strings(seenByBob.get("entitledUsers"))).containsExactly("bob");
        assertThat(seenByBob.toString()).doesNotContain("carol", "alice", "sales");
    }

    @Test
    void givenPoolOnlyForAlice_whenBobAsksForADesktop_thenNotFoundWithoutThePoolsName() {
        String name = "secret-project-" + UUID.randomUUID();
        String id = pool(name, List.of("alice"), List.of());

        var read = bob.get("/api/pools/" + id);
        var requested = bob.post("/api/sessions", "{\"poolId\":\"" + id + "\"}");

        for (var answer : List.of(read, requested)) {
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.code()).isEqualTo("POOL_NOT_FOUND");
            assertThat(answer.body()).doesNotContain(name);
        }
        assertThat(listed(bob, id)).isNull();
        assertThat(bob.get("/api/sessions").body()).doesNotContain(id);
    }

    @Test
    void givenNoSignIn_whenPoolsOrSessionsAreAskedFor_thenUnauthenticated() {
        String id = pool("exposure-" + UUID.randomUUID(), List.of("alice"), List.of());

        assertThat(anonymous.get("/api/pools").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/pools/" + id).status()).isEqualTo(401);
        assertThat(anonymous.post("/api/sessions", "{\"poolId\":\"" + id + "\"}").status()).isEqualTo(401);
    }
}
