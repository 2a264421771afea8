package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;
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
 * A remote KVM host over {@code qemu+tls://}: a second libvirtd on this machine ({@link TlsLibvirtd}) listens for
 * TLS on 127.0.0.2 only, with a CA, server and client certificate made for the test, and is registered through the
 * API with the broker's client certificate ({@code pkipath} inside {@code openvdi.host-uris.tls-pki-directory}) and
 * the display address 127.0.0.2. A desktop is provisioned there (the image uploaded over the TLS connection, software
 * emulation, the tiny image), boots, and the redeemed grant names 127.0.0.2 and a port of that daemon's display
 * range, on which guacd (127.0.0.1:4822) shows the guest's screen; nothing listens on that port on 127.0.0.1, so the
 * display is not reached through localhost by accident, and the machine's own libvirtd has no such domain. Skipped
 * when libvirtd (root, unshare, openssl), guacd or the image is missing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.demo.enabled=false",
        "openvdi.kafka.enabled=false",
        "openvdi.security.gateway-secret=remote-tls-secret",
        "openvdi.reconcile.initial-delay=86400000",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RemoteTlsHostIT {

    private static final String STORAGE_POOL = "openvdi-it-tls-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Path WORK = Path.of("target", "it", STORAGE_POOL).toAbsolutePath();
    private static TlsLibvirtd remote;

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;

    @BeforeAll
    static void startRemoteHost() throws Exception {
        assumeTrue(TlsLibvirtd.available(), "no libvirtd, openssl or unshare, or not root");
        try (Socket guacd = new Socket()) {
            guacd.connect(new InetSocketAddress("127.0.0.1", 4822), 2000);
        } catch (IOException e) {
            assumeTrue(false, "guacd is not listening on 127.0.0.1:4822");
        }
        Path image = WORK.resolve("images").resolve("tiny-desktop.img");
        Files.createDirectories(image.getParent());
        Files.copy(AppProcess.tinyImage(), image, StandardCopyOption.REPLACE_EXISTING);
        remote = TlsLibvirtd.start(WORK.resolve("libvirtd"));
    }

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        registry.add("openvdi.embedded-postgres.data-directory", () -> WORK.resolve("postgres").toString());
        registry.add("openvdi.images.directories", () -> WORK.resolve("images").toString());
        registry.add("openvdi.libvirt.pool-root", () -> WORK.resolve("pools").toString());
        registry.add("openvdi.host-uris.tls-pki-directory",
                () -> TlsLibvirtd.clientPkiDirectory(WORK.resolve("libvirtd")).toString());
    }

    private BrokerHttp as(String user) {
        return new BrokerHttp(port, json).as(user, user.equals("gateway") ? "remote-tls-secret" : "demo");
    }

    @Test
    void givenHostOverTls_whenDesktopRequested_thenItBootsThereAndGuacdShowsItsScreenThroughTheDisplayAddress()
            throws Exception {
        BrokerHttp admin = as("admin");
        BrokerHttp alice = as("alice");
        Reply host = admin.post("/api/hosts", Map.of("name", "remote-tls", "uri", remote.uri(), "virtType", "QEMU",
                "maxDesktops", 1, "storagePool", STORAGE_POOL, "displayAddress", TlsLibvirtd.ADDRESS));
        assertThat(host.status()).isEqualTo(201);
        UUID pool = createPool(admin);

        UUID session = UUID.fromString(alice.post("/api/sessions", Map.of("poolId", pool)).body().path("id").asText());
        JsonNode ready = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> alice.get("/api/sessions/" + session).body(), s -> s.path("state").asText().equals("READY"));
        String desktop = ready.path("desktopId").asText();
        String token = alice.post("/api/sessions/" + session + "/connect", null).body().path("connectUrl").asText()
                .split("token=")[1].split("&")[0];
        Reply grant = as("gateway").post("/internal/connections/redeem",
                Map.of("token", token, "gatewayId", "gw-tls", "clientAddress", "192.0.2.14"));

        assertThat(grant.status()).isEqualTo(200);
        assertThat(grant.body().path("hostname").asText()).isEqualTo(TlsLibvirtd.ADDRESS);
        int display = grant.body().path("port").asInt();
        assertThat(display).isBetween(TlsLibvirtd.DISPLAY_PORT_MIN, TlsLibvirtd.DISPLAY_PORT_MAX);
        assertThat(remote.virsh("domstate", "vdi-" + desktop).output().trim()).isEqualTo("running");
        assertThat(Virsh.domainExists(desktop)).as("a domain on the machine's own libvirtd").isFalse();
        assertThatThrownBy(() -> new Socket("127.0.0.1", display).close()).as("the display on localhost")
                .isInstanceOf(IOException.class);
        assertThat(admin.get("/api/desktops/" + desktop).body().path("displayHost").asText())
                .isEqualTo(TlsLibvirtd.ADDRESS);
        BufferedImage screen = firstDrawnImage(grant.body());
        assertThat(colours(screen)).as("colours on the guest's console").isGreaterThan(1);

        alice.delete("/api/sessions/" + session);
        admin.patch("/api/pools/" + pool, Map.of("minSpare", 0, "maxSize", 1));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> admin.get("/api/desktops/" + desktop).body().path("state").asText().equals("DESTROYED"));
        assertThat(remote.virsh("list", "--all", "--name").lines()).doesNotContain("vdi-" + desktop);
        assertThat(remote.virsh("vol-list", STORAGE_POOL).output()).doesNotContain("vdi-" + desktop);
    }

    @AfterAll
    static void stopRemoteHost() throws InterruptedException {
        if (remote != null) {
            remote.close();
        }
    }

    private UUID createPool(BrokerHttp admin) {
        String template = admin.post("/api/templates", Map.of("name", "tiny", "vcpus", 1, "memoryMiB", 128))
                .body().path("id").asText();
        assertThat(admin.post("/api/templates/" + template + "/versions",
                Map.of("imagePath", WORK.resolve("images").resolve("tiny-desktop.img").toString())).status())
                .isEqualTo(201);
        return UUID.fromString(admin.post("/api/pools", Map.of("name", "remote", "templateId", template, "type",
                "FLOATING", "minSpare", 1, "maxSize", 1, "entitledUsers", Set.of("alice"))).body().path("id").asText());
    }

    /**
     * What the gateway does with the grant: guacd connects to the display it names. Returns the first image guacd
     * draws with more than one colour (the guest's console text), or the last one it drew within 30 s.
     */
    private static BufferedImage firstDrawnImage(JsonNode grant) throws Exception {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol("vnc");
        configuration.setParameter("hostname", grant.path("hostname").asText());
        configuration.setParameter("port", grant.path("port").asText());
        configuration.setParameter("password", grant.path("password").asText());
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(800);
        information.setOptimalScreenHeight(600);
        information.getImageMimetypes().addAll(List.of("image/png", "image/jpeg"));
        ConfiguredGuacamoleSocket socket = new ConfiguredGuacamoleSocket(new InetGuacamoleSocket("127.0.0.1", 4822),
                configuration, information);
        Map<String, ByteArrayOutputStream> images = new HashMap<>();
        BufferedImage last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                GuacamoleInstruction instruction = socket.getReader().readInstruction();
                if (instruction == null) {
                    break;
                }
                List<String> args = instruction.getArgs();
                switch (instruction.getOpcode()) {
                    case "img" -> images.put(args.get(0), new ByteArrayOutputStream());
                    case "blob" -> {
                        ByteArrayOutputStream image = images.get(args.get(0));
                        if (image != null) {
                            image.write(Base64.getDecoder().decode(args.get(1)));
                        }
                    }
                    case "end" -> {
                        ByteArrayOutputStream image = images.remove(args.get(0));
                        BufferedImage drawn = image == null ? null : ImageIO.read(new ByteArrayInputStream(image.toByteArray()));
                        if (drawn != null) {
                            last = drawn;
                            if (colours(drawn) > 1) {
                                return drawn;
                            }
                        }
                    }
                    case "sync" -> socket.getWriter().writeInstruction(new GuacamoleInstruction("sync", args.get(0)));
                    case "error" -> throw new IllegalStateException("guacd: " + args);
                    default -> { }
                }
            }
            return last;
        } finally {
            socket.getWriter().writeInstruction(new GuacamoleInstruction("disconnect"));
            socket.close();
        }
    }

    private static int colours(BufferedImage image) {
        if (image == null) {
            return 0;
        }
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight() && seen.size() < 2; y++) {
            for (int x = 0; x < image.getWidth() && seen.size() < 2; x++) {
                seen.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }
}
