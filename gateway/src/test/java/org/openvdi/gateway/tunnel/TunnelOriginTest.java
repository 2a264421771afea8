package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

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
 * A page of another site cannot open a tunnel: the handshake is refused with 403 before the token is redeemed.
 * The gateway's configured public origin, and clients that send no Origin at all, get their tunnel.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=" + TunnelOriginTest.SECRET,
        "openvdi.gateway.allowed-origins=https://desktops.example.com, http://127.0.0.1:8090"})
class TunnelOriginTest {

    static final String SECRET = "origin-secret";
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
    void givenAPageOfAnotherOrigin_whenItOpensATunnel_thenForbiddenAndTheTokenIsNotRedeemed() {
        for (String origin : new String[] {"https://evil.example", "null", "https://desktops.example.com.evil.example",
                "http://desktops.example.com", "https://127.0.0.1:" + port}) {
            String token = broker.tokenAnswering(new FakeBroker.Problem(404, "TOKEN_UNKNOWN"));

            assertThatThrownBy(() -> GuacamoleTestClient.open(port, token, false, origin)).as(origin)
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(403));
            assertThat(broker.requests()).noneMatch(body -> token.equals(body.get("token")));
        }
    }

    @Test
    void givenTheGatewaysPublicOriginOrNoOrigin_whenATunnelOpens_thenTheTokenIsRedeemed() {
        for (String origin : new String[] {"https://desktops.example.com", "https://DESKTOPS.example.com:443",
                "http://127.0.0.1:8090", null}) {
            String token = broker.tokenAnswering(new FakeBroker.Problem(404, "TOKEN_UNKNOWN"));

            try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, token, false, origin)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(broker.requests())
                        .anyMatch(body -> token.equals(body.get("token"))));
            }
        }
    }
}
