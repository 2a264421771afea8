package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.openvdi.gateway.testsupport.QemuVncDesktop;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka is down (nothing listens at the bootstrap address) while real guacd and QEMU serve the display:
 * telemetry must neither block nor break tunnels. The broker is played by {@link FakeBroker}, since the
 * real one cannot run in this module.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=" + KafkaUnavailableTest.SECRET,
        // A producer that waits this long for Kafka would visibly stall any tunnel that waited for it.
        "spring.kafka.producer.properties.max.block.ms=60000"})
class KafkaUnavailableTest {

    static final String SECRET = "broker-secret";
    private static final FakeBroker broker = FakeBroker.start(SECRET);
    private static final QemuVncDesktop desktop = QemuVncDesktop.start("vncpw2");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.broker-url", broker::url);
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + LocalPorts.closedPort());
    }

    @AfterAll
    static void stopServices() {
        broker.close();
        desktop.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TunnelRegistry tunnels;

    @Test
    void givenKafkaIsDown_whenTunnelsOpenAndClose_thenTheyStreamAndCloseWithoutWaitingForKafka() {
        for (int tunnel = 0; tunnel < 3; tunnel++) {
            FakeBroker.Grant grant = broker.grant("127.0.0.1", desktop.port(), desktop.password());
            GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true);
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.count("sync") > 0);

            browser.close();

            await().atMost(Duration.ofSeconds(20)).until(() -> tunnels.openTunnels() == 0);
            assertThat(browser.count("error")).isZero();
        }
    }
}
