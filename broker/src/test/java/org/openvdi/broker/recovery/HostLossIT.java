package org.openvdi.broker.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.LibvirtSocketProxy;
import org.openvdi.broker.Virsh;

/**
 * A KVM host reached over TCP loses its network while it holds the pool's spares: it is marked
 * down, its spares are written off and the pool refills on the other host; when the network comes
 * back the host is marked up and reconciled, and the written-off VMs are torn down there. Both hosts
 * are this machine's libvirtd (one directly, one through a proxy the test can cut), each with a
 * storage pool of its own.
 */
class HostLossIT {

    private static final Duration BOOT = Duration.ofSeconds(120);

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String remotePool = "openvdi-it-" + suffix + "-r";
    private final String directPool = "openvdi-it-" + suffix + "-d";
    private final Path work = Path.of("target/it/host-loss-" + suffix).toAbsolutePath();
    private final Set<String> desktops = new HashSet<>();
    private LibvirtSocketProxy proxy;

    @Test
    void givenRemoteHostWithTheSpares_whenItsNetworkIsCutAndRestored_thenSparesMoveAndItIsReconciledWhenBack() throws Exception {
        assumeTrue(Virsh.reachable() && LibvirtSocketProxy.available(), "no local libvirtd");
        Path images = Files.createDirectories(work.resolve("images"));
        Path image = Files.copy(AppProcess.tinyImage(), images.resolve("tiny-desktop.img"));
        proxy = new LibvirtSocketProxy();
        proxy.start();
        try (AppProcess broker = AppProcess.broker(work, List.of("--openvdi.images.directories=" + images,
                "--openvdi.reconcile.interval=1000", "--openvdi.reconcile.failures-before-down=2",
                "--openvdi.kafka.enabled=false", "--openvdi.host-uris.allow-tcp=true"))) {
            broker.start();
            AdminScenario scenario = new AdminScenario(broker.port());
            String remote = scenario.host(Map.of("name", "remote", "uri", proxy.uri(), "virtType", "qemu",
                    "maxDesktops", 4, "storagePool", remotePool));
            String direct = scenario.host(Map.of("name", "direct", "uri", "qemu:///system", "virtType", "qemu",
                    "maxDesktops", 2, "storagePool", directPool));
            String pool = scenario.pool("p", scenario.template("tiny", image, 128), "FLOATING", "KEEP_RUNNING", 2, 6);
            await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> scenario.inState(pool, "READY").size() == 2);
            List<String> written = scenario.inState(pool, "READY");
            desktops.addAll(written);
            assertThat(scenario.perHost(pool)).isEqualTo(Map.of(remote, 2));

            proxy.stop();

            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.hostView(remote).get("state").asText().equals("DOWN"));
            await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> scenario.inState(pool, "READY").size() == 2
                    && scenario.perHost(pool).getOrDefault(direct, 0) == 2);
            scenario.desktops(pool).forEach(d -> desktops.add(d.get("id").asText()));
            assertThat(written).allSatisfy(id -> assertThat(scenario.desktop(id).get("state").asText()).isEqualTo("RECYCLING"));
            assertThat(written).allSatisfy(id -> assertThat(Virsh.domainExists(id)).isTrue());

            proxy.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.hostView(remote).get("state").asText().equals("UP"));
            await().atMost(Duration.ofSeconds(60)).until(() -> written.stream()
                    .allMatch(id -> scenario.desktop(id).get("state").asText().equals("DESTROYED")));
            assertThat(written).allSatisfy(id -> assertThat(Virsh.domainExists(id)).isFalse());
            assertThat(scenario.eventTypes(remote)).containsSubsequence("HostWentDownEvent", "HostCameBackEvent");
            assertThat(scenario.inState(pool, "READY")).hasSize(2);
            assertThat(scenario.perHost(pool)).isEqualTo(Map.of(direct, 2));
        }
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        if (proxy != null) {
            proxy.close();
        }
        Virsh.removeDesktopsAndPool(desktops, remotePool);
        Virsh.removeDesktopsAndPool(Set.of(), directPool);
    }
}
