package org.openvdi.broker.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.LibvirtSocketProxy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Hosts whose libvirt cannot be reached: one that never answers, and a real libvirtd reached over
 * TCP through a proxy whose connections the test cuts and restores. Checks run every 300 ms and two
 * failures in a row mark a host down.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.reconcile.interval=300", "openvdi.reconcile.failures-before-down=2",
        "openvdi.reconcile.watch-backoff-max=2s", "openvdi.test.scenario=host-loss", "openvdi.kafka.enabled=false",
        "openvdi.host-uris.allow-tcp=true"})
class HostLossTest {

    private static final Duration SOON = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    HostWatcher watcher;

    AdminScenario scenario;
    LibvirtSocketProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        scenario = new AdminScenario(port);
        proxy = new LibvirtSocketProxy();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    @Test
    void givenHostWhoseLibvirtIsUnreachable_whenChecked_thenItIsMarkedDownAndDesktopsGoToTheOtherHost() {
        String unreachable = scenario.host("unreachable-" + UUID.randomUUID(), "qemu+tcp://127.0.0.1:1/system", 10);

        await().atMost(SOON).until(() -> scenario.hostView(unreachable).get("state").asText().equals("DOWN"));
        assertThat(scenario.hostView(unreachable).get("stateReason").asText())
                .contains("libvirt cannot be reached");
        assertThat(scenario.eventTypes(unreachable)).contains("HostWentDownEvent");
        assertThat(watcher.watching(UUID.fromString(unreachable))).isFalse();

        String local = scenario.host("local-" + UUID.randomUUID(), "test:///default", 3);
        String pool = scenario.pool("p-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()), "FLOATING",
                "KEEP_RUNNING", 2, 4, "alice");
        await().atMost(SOON).until(() -> scenario.inState(pool, "READY").size() == 2);
        var session = new ApiClient(port, "alice", "demo").post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json();

        assertThat(session.get("state").asText()).isEqualTo("READY");
        await().atMost(SOON).until(() -> scenario.inState(pool, "READY").size() == 2);
        assertThat(scenario.perHost(pool)).isEqualTo(Map.of(local, 3));
    }

    @Test
    void givenWatchedHost_whenItsNetworkIsCutAndRestored_thenItGoesDownAndComesBackWatched() throws IOException {
        assumeTrue(LibvirtSocketProxy.available(), "no local libvirtd");
        proxy.start();
        String host = scenario.host(Map.of("name", "remote-" + UUID.randomUUID(), "uri", proxy.uri(), "virtType", "qemu",
                "maxDesktops", 2, "storagePool", "openvdi-it-" + UUID.randomUUID().toString().substring(0, 8)));
        scenario.admin().post("/api/hosts/" + host + "/cordon", "{\"reason\":\"no desktops in this test\"}");
        UUID id = UUID.fromString(host);
        await().atMost(SOON).until(() -> watcher.watching(id));

        proxy.stop();

        await().atMost(SOON).until(() -> scenario.hostView(host).get("state").asText().equals("DOWN"));
        assertThat(watcher.watching(id)).isFalse();

        proxy.start();

        await().atMost(SOON).until(() -> scenario.hostView(host).get("state").asText().equals("UP"));
        await().atMost(SOON).until(() -> watcher.watching(id));
        assertThat(scenario.eventTypes(host)).containsSubsequence("HostWentDownEvent", "HostCameBackEvent");
    }
}
