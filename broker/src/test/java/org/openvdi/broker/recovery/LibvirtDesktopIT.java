package org.openvdi.broker.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real desktops on qemu:///system (software emulation, the tiny image) from the packaged broker:
 * linked clones backed by the image volume, a display that speaks RFB, a VM destroyed behind the
 * broker's back noticed within seconds, and a persistent desktop powered off and on again. Uses a
 * storage pool of its own and removes every VM and volume it made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibvirtDesktopIT {

    private static final Logger log = LoggerFactory.getLogger(LibvirtDesktopIT.class);
    private static final Duration BOOT = Duration.ofSeconds(120);

    private final String storagePool = "openvdi-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/desktop-" + storagePool).toAbsolutePath();
    private AppProcess broker;
    private AdminScenario scenario;
    private Path image;
    private String template;

    @BeforeAll
    void startBroker() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        Path images = Files.createDirectories(work.resolve("images"));
        image = Files.copy(AppProcess.tinyImage(), images.resolve("tiny-desktop.img"));
        // inventories are a minute apart: a VM that stops is noticed through its lifecycle event or not at all
        broker = AppProcess.broker(work, List.of("--openvdi.images.directories=" + images,
                "--openvdi.reconcile.interval=60000", "--openvdi.kafka.enabled=false"));
        broker.start();
        scenario = new AdminScenario(broker.port());
        scenario.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu", "maxDesktops", 4,
                "storagePool", storagePool));
        template = scenario.template("tiny", image, 128);
    }

    @AfterAll
    void removeWhatThisTestCreated() throws InterruptedException {
        if (broker == null) {
            return;
        }
        Set<String> desktops = new HashSet<>();
        scenario.admin().get("/api/desktops?includeDestroyed=true").json().forEach(d -> desktops.add(d.get("id").asText()));
        broker.close();
        Virsh.removeDesktopsAndPool(desktops, storagePool);
    }

    @Test
    void givenReadyDesktop_whenItsVmIsDestroyedBehindTheBrokersBack_thenItIsLostWithinSecondsAndReplaced() throws Exception {
        String pool = scenario.pool("floating", template, "FLOATING", "KEEP_RUNNING", 1, 2);
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> scenario.inState(pool, "READY").size() == 1);
        String desktop = scenario.inState(pool, "READY").get(0);
        JsonNode view = scenario.desktop(desktop);

        assertThat(backingStore(desktop)).endsWith("/img-" + sha256(image).substring(0, 16) + ".raw");
        assertThat(rfbGreeting(view.get("displayHost").asText(), view.get("displayPort").asInt())).startsWith("RFB 003.");

        long destroyedAt = System.nanoTime();
        assertThat(Virsh.run("destroy", "vdi-" + desktop).exitCode()).isZero();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> scenario.eventTypes(desktop).contains("DesktopLostEvent"));
        long noticedMillis = (System.nanoTime() - destroyedAt) / 1_000_000;
        log.info("VM destroyed behind the broker's back: DesktopLostEvent after {} ms", noticedMillis);
        assertThat(noticedMillis).isLessThan(5000);
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() ->
                scenario.desktop(desktop).get("state").asText().equals("DESTROYED")
                        && scenario.inState(pool, "READY").size() == 1);
        assertThat(scenario.inState(pool, "READY")).doesNotContain(desktop);
        assertThat(Virsh.domainExists(desktop)).isFalse();
    }

    @Test
    void givenPersistentPoolPoweringOffWhenIdle_whenSessionEndsAndUserReturns_thenSameDesktopIsPoweredOffThenOn() throws Exception {
        String pool = scenario.pool("persistent", template, "PERSISTENT", "POWER_OFF_AT_LOGOFF", 1, 2, "alice");
        ApiClient alice = new ApiClient(broker.port(), "alice", "demo");
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> scenario.inState(pool, "READY").size() == 1);
        String first = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();
        String desktop = awaitSessionDesktop(alice, first);

        alice.delete("/api/sessions/" + first);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> scenario.desktop(desktop).get("state").asText().equals("POWERED_OFF"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Virsh.domainState(desktop).equals("shut off"));
        Thread.sleep(3000); // the stop event has come and gone
        assertThat(scenario.desktop(desktop).get("state").asText()).isEqualTo("POWERED_OFF");
        assertThat(scenario.eventTypes(desktop)).doesNotContain("DesktopLostEvent");

        String second = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();

        assertThat(awaitSessionDesktop(alice, second)).isEqualTo(desktop);
        assertThat(Virsh.domainState(desktop)).isEqualTo("running");
        JsonNode view = scenario.desktop(desktop);
        assertThat(view.get("state").asText()).isEqualTo("ASSIGNED");
        assertThat(rfbGreeting(view.get("displayHost").asText(), view.get("displayPort").asInt())).startsWith("RFB 003.");
        assertThat(scenario.eventTypes(desktop)).containsSubsequence("DesktopPoweredOffEvent",
                "DesktopPowerOnRequestedEvent", "DesktopStartedEvent", "DesktopBecameReadyEvent", "DesktopAssignedEvent")
                .doesNotContain("DesktopLostEvent");
    }

    private static String awaitSessionDesktop(ApiClient user, String sessionId) {
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500))
                .until(() -> user.get("/api/sessions/" + sessionId).json().get("state").asText().equals("READY"));
        return user.get("/api/sessions/" + sessionId).json().get("desktopId").asText();
    }

    private String backingStore(String desktop) {
        return Virsh.backingImage(storagePool, desktop);
    }

    private static String rfbGreeting(String host, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3000);
            socket.setSoTimeout(3000);
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
