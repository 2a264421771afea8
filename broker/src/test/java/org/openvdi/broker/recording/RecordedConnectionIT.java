package org.openvdi.broker.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;
import org.openvdi.broker.e2e.AuditPage;
import org.openvdi.broker.e2e.HeadlessChromium;
import org.openvdi.broker.e2e.PortalPage;
import org.openvdi.broker.e2e.RecordingPlayerPage;
import org.openvdi.broker.testsupport.BrokerHttp;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole recording path on real parts: a pool that records, a tiny desktop on qemu:///system (software
 * emulation), a redeemed token whose grant names the recording, the real guacd (127.0.0.1:4822) connected to the
 * desktop's VNC display with the parameters the gateway gives it for that grant, then the session ends and the
 * broker's scanner records the file guacd wrote with its size and SHA-256, the session's audit history links it, and
 * in Chromium the auditor finds the session on her page, opens its timeline and plays and seeks guacd's recording.
 * Skipped when libvirtd, guacd or the image is missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.demo.enabled=false",
        "openvdi.kafka.enabled=false",
        "openvdi.security.gateway-secret=recorded-secret",
        "openvdi.reconcile.initial-delay=86400000",
        "openvdi.recordings.scan-interval=500ms",
        "openvdi.recordings.settle=1s",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RecordedConnectionIT {

    private static final String STORAGE_POOL = "openvdi-it-rec-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path WORK = Path.of("target", "it", STORAGE_POOL).toAbsolutePath();
    private static final Path RECORDINGS = WORK.resolve("recordings");

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;
    private UUID poolId;
    private UUID sessionId;

    @BeforeAll
    static void requireLibvirtdGuacdAndImage() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        try (Socket guacd = new Socket("127.0.0.1", 4822)) {
            assumeTrue(guacd.isConnected(), "guacd is not listening on 127.0.0.1:4822");
        } catch (IOException e) {
            assumeTrue(false, "guacd is not listening on 127.0.0.1:4822");
        }
    }

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        registry.add("openvdi.embedded-postgres.data-directory", () -> WORK.resolve("postgres").toString());
        registry.add("openvdi.images.directories", () -> WORK.resolve("images").toString());
        registry.add("openvdi.libvirt.pool-root", () -> WORK.resolve("pools").toString());
        registry.add("openvdi.recordings.directory", RECORDINGS::toString);
    }

    private BrokerHttp as(String user) {
        return new BrokerHttp(port, json).as(user, user.equals("gateway") ? "recorded-secret" : "demo");
    }

    @Test
    void givenARecordingPool_whenAConnectionThroughGuacdEnds_thenTheFileIsStoredWithSizeAndChecksumAndPlaysBack()
            throws Exception {
        BrokerHttp admin = as("admin");
        BrokerHttp alice = as("alice");
        poolId = createRecordingPool(admin);
        assertThat(admin.get("/api/pools/" + poolId).body().path("recording").asBoolean()).isTrue();
        Instant requested = Instant.now();
        sessionId = UUID.fromString(alice.post("/api/sessions", Map.of("poolId", poolId)).body().path("id").asText());
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> alice.get("/api/sessions/" + sessionId).body(), s -> s.path("state").asText().equals("READY"));
        String token = alice.post("/api/sessions/" + sessionId + "/connect", null).body().path("connectUrl").asText()
                .split("token=")[1].split("&")[0];

        Reply grant = as("gateway").post("/internal/connections/redeem",
                Map.of("token", token, "gatewayId", "gw-rec", "clientAddress", "192.0.2.11"));

        assertThat(grant.status()).isEqualTo(200);
        String name = grant.body().path("recordingName").asText();
        assertThat(name).startsWith(sessionId + "-").endsWith(".guac");
        int instructions = streamThroughGuacd(grant.body());
        assertThat(instructions).isGreaterThan(3);
        assertThat(alice.delete("/api/sessions/" + sessionId).status()).isLessThan(300);

        BrokerHttp audrey = as("audrey");
        JsonNode stored = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> audrey.get("/api/recordings?sessionId=" + sessionId).body().get(0),
                        r -> r != null && r.path("state").asText().equals("STORED"));
        byte[] file = Files.readAllBytes(RECORDINGS.resolve(name));
        assertThat(file.length).isPositive();
        assertThat(new String(file, 0, Math.min(file.length, 100), StandardCharsets.UTF_8)).matches("(?s)^\\d+\\.[a-z]+[,;].*");
        assertThat(stored.path("sizeBytes").asLong()).isEqualTo(file.length);
        assertThat(stored.path("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        assertThat(stored.path("user").asText()).isEqualTo("alice");
        List<String> types = StreamSupport.stream(audrey.get("/api/events?aggregateId=" + stored.path("id").asText())
                .body().spliterator(), false).map(e -> e.path("type").asText()).toList();
        assertThat(types).containsExactly("RecordingStartedEvent", "RecordingStoredEvent");

        // the session's history links its recordings: the auditor's page plays them from there
        JsonNode history = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> audrey.get("/api/audit/sessions?user=alice&pool=" + poolId).body().path("items").get(0),
                        s -> s != null && s.path("recordingUrl").isTextual());
        assertThat(history.path("sessionId").asText()).isEqualTo(sessionId.toString());
        assertThat(history.path("recordingUrl").asText()).isEqualTo("/recordings.html?sessionId=" + sessionId);

        // in Chromium, audrey finds the session by user and time on her page, opens its timeline and plays guacd's file
        ChromeDriver browser = HeadlessChromium.start(WORK.resolve("chromium"));
        try {
            new PortalPage(browser, port).signIn("audrey", "demo");
            AuditPage audit = new AuditPage(browser).awaitOpen("audrey");
            audit.searchSessions("alice", requested.minusSeconds(60), Instant.now().plusSeconds(60), sessionId);
            audit.openUserTimeline(sessionId, "alice");
            audit.openSession(sessionId);
            RecordingPlayerPage player = audit.playFirstRecording();
            long duration = player.awaitLoaded(Duration.ofMinutes(1));
            assertThat(duration).as("the recording's duration in ms").isPositive();
            assertThat(player.facts()).contains(sessionId.toString(), "alice", "STORED");
            long seekedTo = player.seek(duration / 2);
            assertThat(seekedTo).isBetween(0L, duration);
        } finally {
            browser.quit();
        }
    }

    /** What the gateway does with the grant: connect guacd to the display, recording as the grant says. */
    private int streamThroughGuacd(JsonNode grant) throws Exception {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol("vnc");
        configuration.setParameter("hostname", grant.path("hostname").asText());
        configuration.setParameter("port", grant.path("port").asText());
        configuration.setParameter("password", grant.path("password").asText());
        configuration.setParameter("recording-path", RECORDINGS.toString());
        configuration.setParameter("recording-name", grant.path("recordingName").asText());
        configuration.setParameter("create-recording-path", "true");
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(800);
        information.setOptimalScreenHeight(600);
        information.getImageMimetypes().addAll(List.of("image/png", "image/jpeg"));
        ConfiguredGuacamoleSocket socket = new ConfiguredGuacamoleSocket(new InetGuacamoleSocket("127.0.0.1", 4822),
                configuration, information);
        int syncs = 0;
        int count = 0;
        try {
            while (syncs < 5) {
                GuacamoleInstruction instruction = socket.getReader().readInstruction();
                if (instruction == null) {
                    break;
                }
                count++;
                if (instruction.getOpcode().equals("sync")) {
                    syncs++;
                    socket.getWriter().writeInstruction(new GuacamoleInstruction("sync", instruction.getArgs().get(0)));
                }
            }
            socket.getWriter().writeInstruction(new GuacamoleInstruction("disconnect"));
        } finally {
            socket.close();
        }
        return count;
    }

    private UUID createRecordingPool(BrokerHttp admin) throws IOException {
        Path image = WORK.resolve("images").resolve("tiny-desktop.img");
        Files.createDirectories(image.getParent());
        Files.copy(AppProcess.tinyImage(), image, StandardCopyOption.REPLACE_EXISTING);
        assertThat(admin.post("/api/hosts", Map.of("name", "real", "uri", "qemu:///system", "virtType", "QEMU",
                "maxDesktops", 2, "storagePool", STORAGE_POOL)).status()).isEqualTo(201);
        String template = admin.post("/api/templates", Map.of("name", "tiny", "vcpus", 1, "memoryMiB", 128))
                .body().path("id").asText();
        assertThat(admin.post("/api/templates/" + template + "/versions", Map.of("imagePath", image.toString())).status())
                .isEqualTo(201);
        return UUID.fromString(admin.post("/api/pools", Map.of("name", "recorded", "templateId", template, "type",
                "FLOATING", "minSpare", 1, "maxSize", 1, "entitledUsers", Set.of("alice"), "recording", true))
                .body().path("id").asText());
    }

    /** Leaves no VM, volume or pool behind. */
    @AfterEach
    void removeDesktops() throws Exception {
        BrokerHttp admin = as("admin");
        if (poolId != null) {
            admin.patch("/api/pools/" + poolId, Map.of("minSpare", 0, "maxSize", 1));
        }
        if (sessionId != null) {
            as("alice").delete("/api/sessions/" + sessionId);
        }
        // the pool refills its spare as soon as the session's desktop is gone, and keeps a surplus spare: its VMs
        // and volumes are removed here, whatever the broker still holds
        Virsh.removeDesktopsAndPool(STORAGE_POOL);
    }


}
