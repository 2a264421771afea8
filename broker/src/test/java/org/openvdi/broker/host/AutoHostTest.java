package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
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
 * A host set to auto on libvirt's test driver: its acceleration probe resolves to {@code test} at once,
 * the host takes desktops only after that, an admin can have it probed again, and a host with a fixed
 * type cannot be probed. Hosts of earlier tests are cordoned first, so desktops land on this test's host.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=auto-host")
class AutoHostTest {

    private static final Duration PROBED = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    AdminScenario scenario;
    ApiClient admin;

    @BeforeEach
    void onlyThisTestsHostTakesDesktops() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        for (JsonNode host : admin.get("/api/hosts").json()) {
            admin.post("/api/hosts/" + host.get("id").asText() + "/cordon", "{\"reason\":\"earlier test\"}");
        }
    }

    @Test
    void givenAutoHostOnTestDriver_whenRegistered_thenProbedAsTestBeforeItTakesDesktops() {
        String host = autoHost();
        String pool = scenario.pool("auto-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()), "FLOATING",
                "KEEP_RUNNING", 1, 2);

        await().atMost(PROBED).until(() -> scenario.inState(pool, "READY").size() == 1);

        JsonNode view = scenario.hostView(host);
        assertThat(view.get("virtType").asText()).isEqualTo("AUTO");
        assertThat(view.get("effectiveVirtType").asText()).isEqualTo("TEST");
        assertThat(view.get("accelerationReason").asText()).contains("test driver");
        assertThat(view.get("accelerationProbeDue").asBoolean()).isFalse();
        JsonNode probed = scenario.events(host, "HostAccelerationProbedEvent").get(0);
        assertThat(probed.at("/payload/effectiveType").asText()).isEqualTo("TEST");
        String desktop = scenario.inState(pool, "READY").get(0);
        Instant requested = Instant.parse(scenario.events(desktop, "DesktopProvisioningRequestedEvent").get(0)
                .get("timestamp").asText());
        assertThat(requested).isAfterOrEqualTo(Instant.parse(probed.get("timestamp").asText()));
    }

    @Test
    void givenProbedAutoHost_whenAdminAsksForAnotherProbe_thenAcceptedAndProbedAgain() {
        String host = autoHost();
        await().atMost(PROBED).until(() -> scenario.events(host, "HostAccelerationProbedEvent").size() == 1);

        var answer = admin.post("/api/hosts/" + host + "/probe", "");

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.json().get("effectiveVirtType").asText()).isEqualTo("TEST");
        await().atMost(PROBED).until(() -> scenario.events(host, "HostAccelerationProbedEvent").size() == 2);
        assertThat(scenario.eventTypes(host)).containsSubsequence("HostRegisteredEvent", "HostAccelerationProbedEvent",
                "HostAccelerationProbeRequestedEvent", "HostAccelerationProbedEvent");
        assertThat(scenario.events(host, "HostAccelerationProbeRequestedEvent").get(0).get("actor").asText())
                .isEqualTo("admin");
    }

    @Test
    void givenHostWithFixedType_whenAdminAsksForAProbe_thenRefusedAsProblemAndNothingIsRecorded() {
        String host = scenario.host("fixed-" + UUID.randomUUID(), "test:///default", 2);
        int events = scenario.eventTypes(host).size();

        var answer = admin.post("/api/hosts/" + host + "/probe", "");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo("HOST_NOT_AUTO");
        assertThat(scenario.eventTypes(host)).hasSize(events);
        assertThat(scenario.hostView(host).get("effectiveVirtType").asText()).isEqualTo("QEMU");
    }

    private String autoHost() {
        return scenario.host(Map.of("name", "auto-" + UUID.randomUUID(), "uri", "test:///default", "virtType", "auto",
                "maxDesktops", 2));
    }
}
