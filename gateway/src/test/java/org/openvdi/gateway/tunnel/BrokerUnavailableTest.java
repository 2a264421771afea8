package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The broker does not answer at all (nothing listens at its URL); guacd and Kafka are never reached. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "openvdi.gateway.broker-secret=unused")
class BrokerUnavailableTest {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.broker-url", () -> "http://127.0.0.1:" + LocalPorts.closedPort());
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + LocalPorts.closedPort());
    }

    @LocalServerPort
    int port;
    @Autowired
    TunnelRegistry tunnels;

    @Test
    void givenTheBrokerIsDown_whenTheBrowserConnects_thenItGetsBrokerUnavailableAndNothingStaysOpen()
            throws Exception {
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, FakeBroker.newToken(), true)) {
            GuacamoleTestClient.Closed closed = browser.closed().get(20, TimeUnit.SECONDS);

            assertThat(closed.code()).isEqualTo(TunnelFailure.BROKER_UNAVAILABLE.closeCode());
            assertThat(closed.reason()).isEqualTo("520");
            assertThat(browser.instructions()).singleElement().satisfies(error -> assertThat(error.getArgs())
                    .containsExactly("The desktop service is unavailable; try again in a minute.", "520",
                            "BROKER_UNAVAILABLE"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.openTunnels() == 0);
    }
}
