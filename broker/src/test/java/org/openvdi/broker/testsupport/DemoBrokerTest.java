package org.openvdi.broker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole broker in the demo profile, as {@code ./vdi up} runs it, with real parts only: its
 * embedded PostgreSQL (a fresh data directory under target/), a real in-process KRaft Kafka, and
 * a demo host on libvirt's test driver, whose desktops become READY without a display.
 * The test classes that add no configuration of their own share one broker and Kafka in a test JVM (Spring's context
 * cache), as the {@code @BrokerTest} classes share theirs: a class must leave the broker as it found it for the users
 * it uses (ends its sessions through {@link #readySession}, takes back the limits it set, clears the rate counters it
 * filled) and count only what it made itself. The context is closed when Spring evicts it from its cache or, at the
 * latest, when the test JVM's launcher session ends ({@link ContextsClosedAtTheEnd}): closed later, by the JVM's
 * shutdown hooks, the test Kafka would lose its temporary directories while it still runs and hold up the exit.
 * The drift reconciler is held back: every test:///default connection of a JVM shares one state,
 * so a reconciler of another cached context would see this context's VMs as orphans and the other way round.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.demo.host-uri=test:///default",
        "openvdi.demo.virt-type=AUTO",
        "openvdi.kafka.embedded=false",
        "openvdi.security.gateway-secret=" + DemoBrokerTest.GATEWAY_SECRET,
        "openvdi.gateway-url=" + DemoBrokerTest.GATEWAY_URL,
        "openvdi.reconcile.initial-delay=86400000",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@EmbeddedKafka(kraft = true, partitions = 1, topics = {"openvdi.events", "openvdi.connections"},
        bootstrapServersProperty = "spring.kafka.bootstrap-servers")
public abstract class DemoBrokerTest {

    public static final String GATEWAY_SECRET = "it-gateway-secret";
    public static final String GATEWAY_URL = "http://gateway.test:8090";
    protected static final String PASSWORD = "demo";

    static {
        System.setProperty("axoniq.update-checker.disabled", "true");
    }

    @LocalServerPort
    private int port;
    @Autowired
    protected ObjectMapper json;
    @Autowired
    protected EmbeddedKafkaBroker kafka;
    @Autowired
    private ApplicationContext context;
    protected BrokerHttp http;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        freshStorage(registry);
    }

    /** A fresh embedded PostgreSQL directory (not durable), image directory with a 1 MiB demo image, and libvirt pool root. */
    public static void freshStorage(DynamicPropertyRegistry registry) {
        Path root = Path.of("target", "it", "broker-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Path image = root.resolve("images").resolve("tiny.raw");
        try {
            Files.createDirectories(image.getParent());
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(1 << 20);
                file.seek(510);
                file.write(new byte[] {0x55, (byte) 0xaa});   // an MBR boot signature: the broker takes only disks
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("openvdi.embedded-postgres.data-directory", () -> root.resolve("postgres").toString());
        // a throwaway database: commits need not reach the disk (the product's default is durable)
        registry.add("openvdi.embedded-postgres.durable", () -> "false");
        registry.add("openvdi.images.directories", () -> image.getParent().toString());
        registry.add("openvdi.demo.image", image::toString);
        registry.add("openvdi.libvirt.pool-root", () -> root.resolve("pools").toString());
    }

    @BeforeEach
    void connectHttp() {
        ContextsClosedAtTheEnd.register(context);
        http = new BrokerHttp(port, json);
    }

    protected BrokerHttp as(String user) {
        return http.as(user, PASSWORD);
    }

    protected BrokerHttp gateway() {
        return http.as("gateway", GATEWAY_SECRET);
    }

    protected UUID demoPool() {
        JsonNode pool = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> first(as("alice").get("/api/pools").body(), p -> p.path("name").asText().equals("Demo desktops")),
                        p -> p != null);
        return UUID.fromString(pool.path("id").asText());
    }

    /** Ends the user's open sessions, asks for a new one and waits until it has its desktop. */
    protected JsonNode readySession(String user) {
        UUID pool = demoPool();
        for (JsonNode session : as(user).get("/api/sessions").body()) {
            if (!List.of("ENDED", "FAILED").contains(session.path("state").asText())) {
                assertThat(as(user).delete("/api/sessions/" + session.path("id").asText()).status()).isEqualTo(200);
            }
        }
        BrokerHttp.Reply requested = as(user).post("/api/sessions", Map.of("poolId", pool));
        assertThat(requested.status()).isEqualTo(202);
        return awaitSession(user, UUID.fromString(requested.body().path("id").asText()),
                s -> s.path("state").asText().equals("READY"));
    }

    protected JsonNode awaitSession(String user, UUID sessionId, Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> as(user).get("/api/sessions/" + sessionId).body(), condition::test);
    }

    /** The session's stored events, as auditors read them. */
    protected List<JsonNode> events(UUID aggregateId) {
        List<JsonNode> events = new ArrayList<>();
        as("admin").get("/api/events?aggregateId=" + aggregateId).body().forEach(events::add);
        return events;
    }

    protected List<JsonNode> eventsOfType(UUID aggregateId, String type) {
        return events(aggregateId).stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    protected static String tokenOf(String connectUrl) {
        return connectUrl.substring(connectUrl.indexOf("token=") + "token=".length()).replaceFirst("&.*$", "");
    }

    private static JsonNode first(JsonNode array, Predicate<JsonNode> condition) {
        for (JsonNode node : array) {
            if (condition.test(node)) {
                return node;
            }
        }
        return null;
    }
}
