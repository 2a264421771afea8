package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Two hosts in one broker (both on libvirt's test driver, under different names and capacities):
 * placement by most free capacity, cordon, and drain. Hosts of earlier tests are cordoned first, so
 * each test places desktops on its own two hosts only.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.test.scenario=two-hosts", "openvdi.kafka.enabled=false"})
class TwoHostsTest {

    private static final Duration PROVISIONED = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    AdminScenario scenario;
    ApiClient alice;
    ApiClient bob;

    @BeforeEach
    void onlyThisTestsHostsTakeDesktops() {
        scenario = new AdminScenario(port);
        alice = new ApiClient(port, "alice", "demo");
        bob = new ApiClient(port, "bob", "demo");
        for (JsonNode host : scenario.admin().get("/api/hosts").json()) {
            scenario.admin().post("/api/hosts/" + host.get("id").asText() + "/cordon", "{\"reason\":\"earlier test\"}");
        }
    }

    @Test
    void givenHostsOfTwoAndSixDesktops_whenSixSparesAreProvisioned_thenEachGoesWhereMostCapacityIsFree() {
        String small = scenario.host("small-" + UUID.randomUUID(), "test:///default", 2);
        String big = scenario.host("big-" + UUID.randomUUID(), "test:///default", 6);

        String pool = pool(6, 8);

        await().atMost(PROVISIONED).until(() -> scenario.inState(pool, "READY").size() == 6);
        // big takes four (6,5,4,3 free against 2), then both have 2 free and take one each
        assertThat(scenario.perHost(pool)).isEqualTo(Map.of(small, 1, big, 5));
    }

    @Test
    void givenBiggerHostCordoned_whenSparesAreTaken_thenReplacementsGoToTheOtherHostUntilItIsFull() {
        String small = scenario.host("small-" + UUID.randomUUID(), "test:///default", 2);
        String big = scenario.host("big-" + UUID.randomUUID(), "test:///default", 6);
        String pool = pool(3, 8);
        await().atMost(PROVISIONED).until(() -> scenario.inState(pool, "READY").size() == 3);
        assertThat(scenario.perHost(pool)).isEqualTo(Map.of(big, 3));

        assertThat(scenario.admin().post("/api/hosts/" + big + "/cordon", "{}").json().get("cordoned").asBoolean()).isTrue();
        assertThat(alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("state").asText()).isEqualTo("READY");
        assertThat(bob.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("state").asText()).isEqualTo("READY");

        await().atMost(PROVISIONED).until(() -> scenario.perHost(pool).getOrDefault(small, 0) == 2
                && scenario.inState(pool, "READY").size() == 3);
        assertThat(scenario.perHost(pool)).isEqualTo(Map.of(big, 3, small, 2));
    }

    @Test
    void givenHostWithASessionAndSpares_whenDrained_thenSparesMoveAndTheSessionFinishesThere() {
        String first = scenario.host("first-" + UUID.randomUUID(), "test:///default", 4);
        String second = scenario.host("second-" + UUID.randomUUID(), "test:///default", 4);
        String pool = pool(3, 6);
        await().atMost(PROVISIONED).until(() -> scenario.inState(pool, "READY").size() == 3);
        JsonNode session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json();
        String inUse = session.get("desktopId").asText();
        String drained = scenario.desktop(inUse).get("hostId").asText();
        String other = drained.equals(first) ? second : first;

        JsonNode host = scenario.admin().post("/api/hosts/" + drained + "/drain", "{\"reason\":\"kernel update\"}").json();

        assertThat(host.get("cordoned").asBoolean()).isTrue();
        assertThat(host.get("draining").asBoolean()).isTrue();
        assertThat(scenario.eventTypes(drained)).containsSubsequence("HostCordonedEvent", "HostDrainStartedEvent");
        await().atMost(PROVISIONED).until(() -> scenario.inState(pool, "READY").size() == 3
                && scenario.perHost(pool).equals(Map.of(drained, 1, other, 3)));
        assertThat(scenario.desktop(inUse).get("state").asText()).isEqualTo("ASSIGNED");
        assertThat(scenario.eventTypes(drained)).doesNotContain("HostDrainCompletedEvent");

        alice.delete("/api/sessions/" + session.get("id").asText());

        await().atMost(PROVISIONED).until(() -> scenario.eventTypes(drained).contains("HostDrainCompletedEvent"));
        assertThat(scenario.desktop(inUse).get("state").asText()).isEqualTo("DESTROYED");
        assertThat(scenario.hostView(drained).get("activeDesktops").asInt()).isZero();
        await().atMost(PROVISIONED).until(() -> scenario.perHost(pool).equals(Map.of(other, 3))
                && scenario.inState(pool, "READY").size() == 3);
    }

    @Test
    void givenDrainingHost_whenUncordoned_thenTheDrainIsOverAndItTakesDesktopsAgain() {
        String host = scenario.host("undrained-" + UUID.randomUUID(), "test:///default", 2);
        scenario.admin().post("/api/hosts/" + host + "/drain", "");
        await().atMost(PROVISIONED).until(() -> scenario.eventTypes(host).contains("HostDrainCompletedEvent"));

        JsonNode uncordoned = scenario.admin().post("/api/hosts/" + host + "/uncordon", "").json();

        assertThat(uncordoned.get("cordoned").asBoolean()).isFalse();
        assertThat(uncordoned.get("draining").asBoolean()).isFalse();
        String pool = pool(1, 2);
        await().atMost(PROVISIONED).until(() -> scenario.perHost(pool).equals(Map.of(host, 1)));
    }

    @Test
    void givenEmployeeOrUnknownHost_whenDrainRequested_thenRefusedWithProblemDetails() {
        String host = scenario.host("refused-" + UUID.randomUUID(), "test:///default", 2);

        var employee = alice.post("/api/hosts/" + host + "/drain", "{}");
        var unknown = scenario.admin().post("/api/hosts/" + UUID.randomUUID() + "/drain", "{}");
        var hostile = scenario.admin().post("/api/hosts/" + host + "/drain", "{\"reason\":\"a\\u0000b\"}");

        assertThat(employee.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("HOST_NOT_FOUND");
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(hostile.status()).isEqualTo(400);
        assertThat(scenario.hostView(host).get("draining").asBoolean()).isFalse();
        assertThat(scenario.eventTypes(host)).doesNotContain("HostDrainStartedEvent");
    }

    private String pool(int minSpare, int maxSize) {
        return scenario.pool("pool-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()), "FLOATING",
                "KEEP_RUNNING", minSpare, maxSize, "alice", "bob");
    }
}
