package org.openvdi.gateway.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What the browser loads before the tunnel: the page, its scripts, its one setting, and the health check. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=unused",
        "openvdi.gateway.portal-url=http://portal.example/desktops"})
class ConnectPageTest {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + LocalPorts.closedPort());
    }

    @Autowired
    TestRestTemplate http;

    @Test
    void givenALinkFromTheBroker_whenTheConnectPageLoads_thenItIsServedUncachedAndWithoutReferrer() {
        ResponseEntity<String> page = http.getForEntity("/connect?token=abc", String.class);

        assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(page.getHeaders().getCacheControl()).contains("no-store");
        assertThat(page.getHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.getBody()).contains("id=\"display\"", "guacamole-common-js/all.min.js", "connect.js");
    }

    @Test
    void givenTheConnectPage_whenItLoadsItsScripts_thenGuacamoleCommonJsAndThePageScriptAreServed() {
        assertThat(http.getForEntity("/guacamole-common-js/all.min.js", String.class).getBody())
                .contains("Guacamole.WebSocketTunnel");
        assertThat(http.getForEntity("/connect.js", String.class).getBody()).contains("openvdiState");
        assertThat(http.getForEntity("/connect.css", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void givenTheConnectPage_whenItAsksForItsSettings_thenItLearnsThePortalUrl() {
        assertThat(http.getForEntity("/connect/settings", String.class).getBody())
                .isEqualTo("{\"portalUrl\":\"http://portal.example/desktops\"}");
    }

    @Test
    void givenAPlainHttpRequest_whenItHitsTheTunnel_thenUpgradeIsRequired() {
        assertThat(http.getForEntity("/tunnel?token=abc", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UPGRADE_REQUIRED);
    }

    @Test
    void givenGuacdRuns_whenHealthIsChecked_thenTheGuacdIndicatorIsUp() {
        ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);

        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody()).contains("\"guacd\":{\"status\":\"UP\"");
        assertThat(http.getForEntity("/actuator/health/readiness", String.class).getBody()).contains("guacd");
    }
}
