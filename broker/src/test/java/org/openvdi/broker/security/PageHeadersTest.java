package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * The pages carry a Content-Security-Policy without inline script or style, no referrer leaves the
 * broker, nothing frames it, its cookies are SameSite; X-Forwarded-For counts only from configured
 * proxies, and by default there are none.
 */
@BrokerTest
@Import(SignInRecorder.class)
class PageHeadersTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
            + "object-src 'none'";
    static final Path STATIC = Path.of("src/main/resources/static");

    @LocalServerPort
    int port;
    @Autowired
    SignInRecorder signIns;

    @Test
    void givenEachPage_whenLoaded_thenStrictPolicyAndProtectiveHeaders() {
        WebClient browser = new WebClient(port);
        Answer login = browser.send("GET", "/login", Map.of(), null, null);
        browser.signIn("admin", "demo");
        for (Answer page : List.of(login, browser.send("GET", "/", Map.of(), null, null),
                browser.send("GET", "/admin", Map.of(), null, null), browser.send("GET", "/api/me", Map.of(), null, null))) {
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        }
    }

    @Test
    void givenTheAuditPage_whenAnAuditorLoadsIt_thenStrictPolicyAndItsScriptsOnlyOthersNotServed() {
        WebClient auditor = new WebClient(port).signIn("audrey", "demo");
        for (String path : List.of("/audit", "/audit.html")) {
            Answer page = auditor.send("GET", path, Map.of(), null, null);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(page.body()).contains("/js/audit.js", "/js/vendor/vis-timeline/vis-timeline-graph2d.min.js");
        }
        assertThat(auditor.send("GET", "/js/audit.js", Map.of(), null, null).status()).isEqualTo(200);
        for (String user : List.of("admin", "alice")) {
            WebClient other = new WebClient(port).signIn(user, "demo");
            assertThat(other.send("GET", "/audit", Map.of(), null, null).status()).as(user).isEqualTo(403);
            assertThat(other.send("GET", "/audit.html", Map.of(), null, null).status()).as(user).isEqualTo(403);
        }
        assertThat(new WebClient(port).send("GET", "/audit", Map.of(), null, null).status()).isIn(302, 401);
    }

    @Test
    void givenSwaggerUi_whenLoaded_thenOnlyItsInjectedStylesAreAllowedInline() {
        Answer ui = new WebClient(port).send("GET", "/swagger-ui/index.html", Map.of(), null, null);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.headers().firstValue("Content-Security-Policy"))
                .hasValue(CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    }

    @Test
    void givenThePagesSources_whenRead_thenNoInlineScriptHandlerOrStyleAttribute() throws IOException {
        Pattern inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|\\sstyle\\s*=|javascript:",
                Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(STATIC)) {
            List<Path> pages = files.filter(f -> f.toString().endsWith(".html")).toList();
            assertThat(pages).hasSizeGreaterThanOrEqualTo(3);
            for (Path page : pages) {
                assertThat(inline.matcher(Files.readString(page)).find()).as(page.toString()).isFalse();
            }
        }
    }

    @Test
    void givenPlainHttpPublicUrl_whenCookiesAreSet_thenSameSiteLaxHttpOnlySessionAndNotSecure() {
        WebClient browser = new WebClient(port);
        String xsrf = cookie(browser.send("GET", "/login", Map.of(), null, null), "XSRF-TOKEN");
        assertThat(xsrf).containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        String form = "username=alice&password=demo&_csrf=" + browser.csrfToken();
        String session = cookie(browser.send("POST", "/login", Map.of(), "application/x-www-form-urlencoded", form),
                "JSESSIONID");
        assertThat(session).containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly")
                .doesNotContainIgnoringCase("Secure");
    }

    @Test
    void givenNoTrustedProxies_whenAClientForgesXForwardedFor_thenTheRecordedAddressIsItsOwn() {
        WebClient client = new WebClient(port);
        client.send("GET", "/api/me", Map.of("Authorization", WebClient.basic("bob", "wrong"),
                "X-Forwarded-For", "203.0.113.9", "Forwarded", "for=203.0.113.9"), null, null);
        assertThat(signIns.addressOf("bob")).isEqualTo("127.0.0.1");
        client.send("GET", "/api/me", Map.of("Authorization", WebClient.basic("audrey", "demo"),
                "X-Forwarded-For", "10.1.2.3, 192.168.1.1"), null, null);
        assertThat(signIns.addressOf("audrey")).isEqualTo("127.0.0.1");
    }

    static String cookie(Answer answer, String name) {
        return answer.setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("No " + name + " cookie in " + answer.setCookies()));
    }
}
