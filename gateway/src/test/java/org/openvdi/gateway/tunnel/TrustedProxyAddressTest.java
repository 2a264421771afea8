package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Behind a configured proxy, the gateway reports the browser's address that the proxy forwards. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=" + TrustedProxyAddressTest.SECRET,
        "server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1"})
class TrustedProxyAddressTest {

    static final String SECRET = "trusted-proxy-secret";
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
    void givenTheProxyIsTrusted_whenItForwardsTheBrowsersAddress_thenThatAddressIsReported() {
        assertThat(ForwardedAddressTest.redeemedClientAddress(broker, port, "203.0.113.9")).isEqualTo("203.0.113.9");
    }
}
