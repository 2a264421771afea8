package org.openvdi.broker.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;
import org.openvdi.broker.testsupport.BrokerHttp;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redeeming a token for a real desktop on qemu:///system (software emulation, the tiny desktop
 * image): the gateway gets the VNC endpoint and the password read live from libvirt and a resume token,
 * which reconnects the same session once and hands out the next; replays are refused and recorded, and
 * neither the password nor a token is stored. Skipped when libvirtd or the image is missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.demo.enabled=false",
        "openvdi.kafka.enabled=false",
        "openvdi.security.gateway-secret=real-display-secret",
        "openvdi.reconcile.initial-delay=86400000",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RealDisplayRedeemTest {

    private static final String STORAGE_POOL = "openvdi-it-connect-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path WORK = Path.of("target", "it", STORAGE_POOL).toAbsolutePath();

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;
    @Autowired
    JdbcClient jdbc;
    private UUID poolId;
    private UUID sessionId;

    @BeforeAll
    static void requireLibvirtdAndImage() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        }

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        registry.add("openvdi.embedded-postgres.data-directory", () -> WORK.resolve("postgres").toString());
        registry.add("openvdi.images.directories", () -> WORK.resolve("images").toString());
        registry.add("openvdi.libvirt.pool-root", () -> WORK.resolve("pools").toString());
    }

    private BrokerHttp as(String user, String password) {
        return new BrokerHttp(port, json).as(user, password);
    }

    private Reply redeem(String token) {
        return as("gateway", "real-display-secret").post("/internal/connections/redeem",
                Map.of("token", token, "gatewayId", "gw-real", "clientAddress", "192.0.2.9"));
    }

    @Test
    void givenRealDesktop_whenTokenAndResumeTokenRedeemedThenReplayed_thenSameDisplayAndNextResumeTokenThenAlreadyUsed()
            throws Exception {
        BrokerHttp admin = as("admin", "demo");
        BrokerHttp alice = as("alice", "demo");
        poolId = createPool(admin);
        sessionId = UUID.fromString(alice.post("/api/sessions", Map.of("poolId", poolId)).body().path("id").asText());
        JsonNode session = await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> alice.get("/api/sessions/" + sessionId).body(), s -> s.path("state").asText().equals("READY"));
        JsonNode desktop = admin.get("/api/desktops/" + session.path("desktopId").asText()).body();
        String token = alice.post("/api/sessions/" + sessionId + "/connect", null).body().path("connectUrl").asText()
                .split("token=")[1].split("&")[0];

        Reply grant = redeem(token);
        Reply replay = redeem(token);
        String resumeToken = grant.body().path("resumeToken").asText();
        Reply resumed = redeem(resumeToken);
        Reply resumeReplay = redeem(resumeToken);

        assertThat(grant.status()).isEqualTo(200);
        JsonNode body = grant.body();
        assertThat(body.path("sessionId").asText()).isEqualTo(sessionId.toString());
        assertThat(body.path("desktopId").asText()).isEqualTo(desktop.path("id").asText());
        assertThat(body.path("userName").asText()).isEqualTo("alice");
        assertThat(body.path("protocol").asText()).isEqualTo("vnc");
        assertThat(body.path("hostname").asText()).isEqualTo(desktop.path("displayHost").asText());
        assertThat(body.path("port").asInt()).isEqualTo(desktop.path("displayPort").asInt()).isPositive();
        String password = body.path("password").asText();
        assertThat(password).hasSizeGreaterThanOrEqualTo(8);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.code()).isEqualTo("TOKEN_ALREADY_USED");
        assertThat(resumeToken).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(token);
        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.body().path("sessionId").asText()).isEqualTo(sessionId.toString());
        assertThat(resumed.body().path("desktopId").asText()).isEqualTo(desktop.path("id").asText());
        assertThat(resumed.body().path("userName").asText()).isEqualTo("alice");
        assertThat(resumed.body().path("port").asInt()).isEqualTo(body.path("port").asInt());
        String nextResumeToken = resumed.body().path("resumeToken").asText();
        assertThat(nextResumeToken).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(resumeToken);
        assertThat(resumeReplay.status()).isEqualTo(401);
        assertThat(resumeReplay.code()).isEqualTo("TOKEN_ALREADY_USED");
        assertThat(typesOf(admin.get("/api/events?aggregateId=" + sessionId).body(), "type")).containsSubsequence(
                "ConnectionTokenIssuedEvent", "ConnectionTokenRedeemedEvent", "ResumeTokenIssuedEvent",
                "ConnectionTokenRejectedEvent", "ConnectionTokenRedeemedEvent", "ResumeTokenIssuedEvent",
                "ConnectionTokenRejectedEvent");
        assertThat(storedText()).doesNotContain(password).doesNotContain(token).doesNotContain(resumeToken)
                .doesNotContain(nextResumeToken);
    }

    /** Everything the broker stored: every event payload and every read model row, as text. */
    private String storedText() {
        StringBuilder text = new StringBuilder();
        jdbc.sql("SELECT convert_from(payload, 'UTF8') || coalesce(convert_from(metadata, 'UTF8'), '') FROM domainevententry")
                .query(String.class).list().forEach(text::append);
        for (String table : List.of("session_view", "desktop_view", "connection_token", "host_view")) {
            jdbc.sql("SELECT t::text FROM " + table + " t").query(String.class).list().forEach(text::append);
        }
        return text.toString();
    }

    private static List<String> typesOf(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(e -> e.path(field).asText()).toList();
    }

    private UUID createPool(BrokerHttp admin) throws IOException {
        Path image = WORK.resolve("images").resolve("tiny-desktop.img");
        Files.createDirectories(image.getParent());
        Files.copy(AppProcess.tinyImage(), image, StandardCopyOption.REPLACE_EXISTING);
        assertThat(admin.post("/api/hosts", Map.of("name", "real", "uri", "qemu:///system", "virtType", "QEMU",
                "maxDesktops", 2, "storagePool", STORAGE_POOL)).status()).isEqualTo(201);
        String template = admin.post("/api/templates", Map.of("name", "tiny", "vcpus", 1, "memoryMiB", 128))
                .body().path("id").asText();
        assertThat(admin.post("/api/templates/" + template + "/versions", Map.of("imagePath", image.toString())).status())
                .isEqualTo(201);
        return UUID.fromString(admin.post("/api/pools", Map.of("name", "real", "templateId", template, "type", "FLOATING",
                "minSpare", 1, "maxSize", 1, "entitledUsers", Set.of("alice"))).body().path("id").asText());
    }

    /** Leaves no VM, volume or pool behind: no spares any more, the session ended, every desktop destroyed. */
    @AfterEach
    void removeDesktops() throws Exception {
        BrokerHttp admin = as("admin", "demo");
        if (poolId != null) {
            admin.patch("/api/pools/" + poolId, Map.of("minSpare", 0, "maxSize", 1));
        }
        if (sessionId != null) {
            as("alice", "demo").delete("/api/sessions/" + sessionId);
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                typesOf(admin.get("/api/desktops").body(), "state").stream().allMatch("DESTROYED"::equals));
        Virsh.removeDesktopsAndPool(List.of(), STORAGE_POOL);
    }


}
