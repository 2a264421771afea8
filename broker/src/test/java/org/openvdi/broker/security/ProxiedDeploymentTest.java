package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Behind a reverse proxy that terminates HTTPS: the proxy's address is configured as trusted, so the
 * address it forwards is the one recorded, and the public URL's https makes every cookie Secure.
 */
@BrokerTest
@Import(SignInRecorder.class)
@TestPropertySource(properties = {"openvdi.public-url=https://vdi.example.test", "openvdi.web.trusted-proxies=10.9.0.0/16, 127.0.0.1"})
class ProxiedDeploymentTest {

    @LocalServerPort
    int port;
    @Autowired
    SignInRecorder signIns;

    @Test
    void givenLoopbackIsATrustedProxy_whenItForwardsTheClientAddress_thenThatAddressIsRecorded() {
        WebClient client = new WebClient(port);
        client.send("GET", "/api/me", Map.of("Authorization", WebClient.basic("bob", "wrong"),
                "X-Forwarded-For", "203.0.113.9"), null, null);
        assertThat(signIns.addressOf("bob")).isEqualTo("203.0.113.9");
        // a chain: the client forged the first entry, the trusted proxies appended the rest
        client.send("GET", "/api/me", Map.of("Authorization", WebClient.basic("alice", "demo"),
                "X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.9.4.4"), null, null);
        assertThat(signIns.addressOf("alice")).isEqualTo("203.0.113.7");
    }

    @Test
    void givenAnHttpsPublicUrl_whenCookiesAreSet_thenTheyAreSecure() {
        WebClient browser = new WebClient(port);
        String xsrf = PageHeadersTest.cookie(browser.send("GET", "/login", Map.of(), null, null), "XSRF-TOKEN");
        assertThat(xsrf).containsIgnoringCase("Secure").containsIgnoringCase("SameSite=Lax");
        String form = "username=alice&password=demo&_csrf=" + browser.csrfToken();
        // a Secure cookie does not travel over this test's plain HTTP: send it the way the browser would over HTTPS
        String session = PageHeadersTest.cookie(browser.send("POST", "/login", Map.of("Cookie", "XSRF-TOKEN="
                + browser.csrfToken()), "application/x-www-form-urlencoded", form), "JSESSIONID");
        assertThat(session).containsIgnoringCase("Secure").containsIgnoringCase("SameSite=Lax");
    }
}
