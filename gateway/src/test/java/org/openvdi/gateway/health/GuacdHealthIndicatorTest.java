package org.openvdi.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openvdi.gateway.GatewaySettings;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.boot.actuate.health.Status;

class GuacdHealthIndicatorTest {

    @Test
    void givenGuacdRuns_whenHealthIsChecked_thenItIsUp() {
        assertThat(indicator(GuacdDaemon.shared().port()).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void givenNothingListensOnTheGuacdPort_whenHealthIsChecked_thenItIsDown() {
        int port = LocalPorts.closedPort();

        assertThat(indicator(port).health()).satisfies(health -> {
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("address", "127.0.0.1:" + port);
        });
    }

    private static GuacdHealthIndicator indicator(int port) {
        return new GuacdHealthIndicator(new GatewaySettings(URI.create("http://broker"), "secret",
                URI.create("http://portal/"), "127.0.0.1", port, "gw", "topic", Duration.ofSeconds(1),
                Duration.ofSeconds(1), "/var/lib/guacamole/recordings"));
    }
}
