package org.openvdi.gateway.page;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.io.ClassPathResource;
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
    void givenTheConnectPage_whenServed_thenItMayNotBeFramedRunsNoInlineScriptAndSendsNoReferrer() {
        for (String path : new String[] {"/connect?token=abc", "/connect.js", "/connect/settings", "/nowhere"}) {
            ResponseEntity<String> answer = http.getForEntity(path, String.class);
            String policy = answer.getHeaders().getFirst("Content-Security-Policy");
            assertThat(policy).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                    "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(answer.getHeaders().getFirst("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(answer.getHeaders().getFirst("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(answer.getHeaders().get("Referrer-Policy")).as(path).containsExactly("no-referrer");
        }
    }

    @Test
    void givenThePageSource_whenRead_thenAllScriptAndStyleComeFromFiles() throws IOException {
        String html = new ClassPathResource("static/connect.html").getContentAsString(StandardCharsets.UTF_8);

        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                .doesNotContainPattern("(?i)<style").doesNotContainPattern("(?i)\\sstyle=")
                .doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContainPattern("(?i)javascript:");
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
    void givenGuacdRuns_whenHealthIsCheckedAnonymously_thenItAnswersUpWithTheStatusOnly() {
        ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);

        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody()).startsWith("{\"status\":\"UP\"").doesNotContain("components", "guacd");
        assertThat(http.getForEntity("/actuator/health/readiness", String.class).getBody())
                .isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void givenTheGatewaysRoot_whenABrowserOpensIt_thenItIsSentToThePortal() throws Exception {
        java.net.http.HttpResponse<String> root = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.getRootUri() + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location")).contains("http://portal.example/desktops");
        assertThat(root.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    }

    @Test
    void givenThePage_whenRead_thenItHasTheMenuWithCtrlAltDelFullscreenKeysAndClipboard() throws IOException {
        String html = new ClassPathResource("static/connect.html").getContentAsString(StandardCharsets.UTF_8);

        assertThat(html).contains("id=\"menu-toggle\"", "id=\"ctrl-alt-del\"", "id=\"fullscreen\"", "id=\"keys\"",
                "id=\"clipboard-text\"", "id=\"clipboard-send\"");
    }

    @Test
    void givenTheOnScreenKeyboardLayout_whenRead_thenEveryKeyItShowsIsDefinedAndEveryRowIsAsWideAsTheKeyboard()
            throws IOException {
        JsonNode layout = new ObjectMapper().readTree(new ClassPathResource("static/keyboard/en-us-qwerty.json")
                .getContentAsString(StandardCharsets.UTF_8));
        double width = layout.get("width").asDouble();

        for (JsonNode row : layout.get("layout")) {
            double used = 0;
            for (JsonNode key : row) {
                if (key.isNumber()) {
                    used += key.asDouble();
                    continue;
                }
                assertThat(layout.get("keys").has(key.asText())).as(key.asText()).isTrue();
                used += layout.get("keyWidths").path(key.asText()).asDouble(1);
            }
            assertThat(used).as(row.toString()).isCloseTo(width, org.assertj.core.data.Offset.offset(0.01));
        }
        for (String modifier : new String[] {"Shift", "Ctrl", "Alt", "Super"}) {
            assertThat(layout.at("/keys/" + modifier + "/0/modifier").asText()).as(modifier).isNotEmpty();
        }
        String html = new ClassPathResource("static/connect.html").getContentAsString(StandardCharsets.UTF_8);
        assertThat(html).contains("id=\"osk-toggle\"", "id=\"osk\"", "id=\"sharing\"");
    }
}
