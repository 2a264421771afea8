package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The browser's address the gateway reports at redemption (and so in telemetry and the audit trail) cannot be
 * spoofed: with no trusted proxy configured, which is the default, {@code X-Forwarded-For} is ignored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "openvdi.gateway.broker-secret=" + ForwardedAddressTest.SECRET)
class ForwardedAddressTest {

    static final String SECRET = "forwarded-secret";
    private static final FakeBroker broker = FakeBroker.start(SECRET);

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.broker-url", broker::url);
        registry.add("openvdi.gateway.guacd-port", LocalPorts::closedPort);
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + LocalPorts.closedPort());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @LocalServerPort
    int port;

    @Test
    void givenNoTrustedProxy_whenABrowserSendsAForgedForwardedFor_thenItsOwnAddressIsReported() {
        assertThat(redeemedClientAddress(broker, port, "203.0.113.9")).isEqualTo("127.0.0.1");
    }

    /** Opens a tunnel with {@code X-Forwarded-For: forwardedFor} and answers the client address the broker was told. */
    static Object redeemedClientAddress(FakeBroker broker, int port, String forwardedFor) {
        String token = broker.tokenAnswering(new FakeBroker.Problem(404, "TOKEN_UNKNOWN"));
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, token, false,
                Map.of("X-Forwarded-For", forwardedFor))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.requests().stream()
                    .anyMatch(body -> token.equals(body.get("token"))));
        }
        return broker.requests().stream().filter(body -> token.equals(body.get("token"))).findFirst().orElseThrow()
                .get("clientAddress");
    }
}
