package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * guacd is down (nothing listens at its address) while the broker grants the token: the browser still gets
 * the resume token that came with the grant, so it can try again once guacd is back. The broker is played
 * by {@link FakeBroker}, since the real one cannot run in this module.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "openvdi.gateway.broker-secret=" + GuacdUnavailableTest.SECRET)
class GuacdUnavailableTest {

    static final String SECRET = "broker-secret";
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
    @Autowired
    TunnelRegistry tunnels;

    @Test
    void givenGuacdIsDown_whenTheBrowserConnectsWithAGoodToken_thenItGetsTheResumeTokenThenGuacdUnavailable()
            throws Exception {
        FakeBroker.Grant grant = broker.grant("127.0.0.1", 5999, "pw");

        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
            GuacamoleTestClient.Closed closed = browser.closed().get(20, TimeUnit.SECONDS);

            assertThat(closed.code()).isEqualTo(TunnelFailure.GUACD_UNAVAILABLE.closeCode());
            assertThat(closed.reason()).isEqualTo("519");
            assertThat(browser.instructions()).hasSize(2);
            assertThat(browser.instructions().get(0).getOpcode()).isEqualTo(TunnelSession.RESUME_OPCODE);
            assertThat(browser.instructions().get(0).getArgs()).containsExactly(grant.resumeToken(), grant.sessionId().toString());
            assertThat(browser.instructions().get(1).getArgs()).containsExactly(
                    "The display service is unavailable; try again in a minute.", "519", "GUACD_UNAVAILABLE");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.openTunnels() == 0);
    }
}
