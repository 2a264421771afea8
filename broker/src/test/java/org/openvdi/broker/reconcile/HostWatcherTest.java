package org.openvdi.broker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * VMs that stop or vanish behind the broker's back are noticed through libvirt's lifecycle events
 * within seconds. The periodic inventory runs once at start only, so nothing else can notice them.
 * libvirt's test driver shares its state within the process, so the test reaches the broker's VMs
 * through a connection of its own.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.reconcile.interval=1h", "openvdi.test.scenario=host-watcher",
        "openvdi.kafka.enabled=false"})
class HostWatcherTest {

    private static final Duration WITHIN_SECONDS = Duration.ofSeconds(5);

    @LocalServerPort
    int port;
    @Autowired
    HostWatcher watcher;

    AdminScenario scenario;
    Connect libvirt;

    @BeforeEach
    void connect() throws LibvirtException {
        scenario = new AdminScenario(port);
        libvirt = new Connect("test:///default");
    }

    @AfterEach
    void disconnect() throws LibvirtException {
        libvirt.close();
    }

    @Test
    void givenHostRegisteredAfterStart_whenItIsUp_thenItIsWatched() {
        String host = scenario.host("later-" + UUID.randomUUID(), "test:///default", 1);

        await().atMost(WITHIN_SECONDS).until(() -> watcher.watching(UUID.fromString(host)));
    }

    @Test
    void givenReadySpare_whenItsVmIsDestroyedBehindTheBrokersBack_thenItIsLostWithinSecondsAndThePoolRefills()
            throws LibvirtException {
        scenario.host("watched-" + UUID.randomUUID(), "test:///default", 5);
        String pool = scenario.pool("spare-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()),
                "FLOATING", "KEEP_RUNNING", 1, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.inState(pool, "READY").size() == 1);
        String desktop = scenario.inState(pool, "READY").get(0);
        // every test of this class registers a host on the same test:///default: placement may pick any of them
        String placedOn = scenario.desktop(desktop).get("hostId").asText();
        await().atMost(WITHIN_SECONDS).until(() -> watcher.watching(UUID.fromString(placedOn)));

        vm(desktop).destroy();

        await().atMost(WITHIN_SECONDS).until(() -> scenario.eventTypes(desktop).contains("DesktopLostEvent"));
        assertThat(scenario.events(placedOn, "HostDriftDetectedEvent")).anySatisfy(e -> {
            assertThat(e.get("payload").get("desktopId").asText()).isEqualTo(desktop);
            assertThat(e.get("payload").get("kind").asText()).isEqualTo("GHOST");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.desktop(desktop).get("state").asText().equals("DESTROYED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.inState(pool, "READY").size() == 1);
        assertThat(scenario.inState(pool, "READY")).doesNotContain(desktop);
    }

    @Test
    void givenDesktopInUse_whenItsVmIsUndefinedBehindTheBrokersBack_thenItsSessionEnds() throws LibvirtException {
        scenario.host("in-use-" + UUID.randomUUID(), "test:///default", 5);
        String pool = scenario.pool("in-use-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()),
                "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.inState(pool, "READY").size() == 1);
        ApiClient alice = new ApiClient(port, "alice", "demo");
        JsonNode session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json();
        assertThat(session.get("state").asText()).isEqualTo("READY");
        String desktop = session.get("desktopId").asText();

        Domain vm = vm(desktop);
        vm.destroy();
        vm.undefine();

        await().atMost(WITHIN_SECONDS).until(() -> alice.get("/api/sessions/" + session.get("id").asText())
                .json().get("state").asText().equals("ENDED"));
        assertThat(alice.get("/api/sessions/" + session.get("id").asText()).json().get("reason").asText())
                .startsWith("desktop lost");
        assertThat(scenario.eventTypes(desktop)).contains("DesktopLostEvent");
    }

    @Test
    void givenDesktopBeingRecycled_whenItsVmStops_thenItIsNotRecordedLost() {
        scenario.host("recycled-" + UUID.randomUUID(), "test:///default", 5);
        String pool = scenario.pool("recycled-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()),
                "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.inState(pool, "READY").size() == 1);
        ApiClient alice = new ApiClient(port, "alice", "demo");
        JsonNode session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json();
        String desktop = session.get("desktopId").asText();

        alice.delete("/api/sessions/" + session.get("id").asText());

        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.desktop(desktop).get("state").asText().equals("DESTROYED"));
        assertThat(scenario.eventTypes(desktop)).contains("DesktopRecycledEvent").doesNotContain("DesktopLostEvent");
    }

    private Domain vm(String desktopId) throws LibvirtException {
        return libvirt.domainLookupByName("vdi-" + desktopId);
    }
}
