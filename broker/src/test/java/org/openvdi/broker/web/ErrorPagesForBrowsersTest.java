package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A person's browser opening a page that is not there (404) or not theirs (403) gets a small HTML page in the
 * portal's style, with the status kept; anonymous browsers are still sent to the sign-in page; API clients (JSON or
 * any type accepted, fetch and XHR, everything under /api/) still get problem+json. What the page shows of a hostile
 * address is escaped.
 */
@BrokerTest
class ErrorPagesForBrowsersTest {

    /** What Chromium sends when a person follows a link or types an address. */
    static final Map<String, String> NAVIGATION = Map.of(
            "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
            "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document", "Sec-Fetch-Site", "none");

    @LocalServerPort
    int port;

    static void assertPage(Answer answer, int status, String title) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("text/html").containsIgnoringCase("charset=UTF-8");
        assertThat(answer.body()).contains("<title>" + title + " · OpenVDI</title>", "href=\"/css/app.css\"",
                "data-status=\"" + status + "\"", "id=\"back\" href=\"/\"")
                .doesNotContain("<script", "style=", "<style", "Exception", "urn:openvdi:problem");
        assertThat(answer.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(answer.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }

    Answer navigate(WebClient client, String path) {
        return client.send("GET", path, NAVIGATION, null, null);
    }

    @Test
    void givenEachSignedInRole_whenNavigatingToAMissingPage_thenAnHtml404Page() {
        for (String user : List.of("admin", "alice", "bob", "audrey")) {
            WebClient browser = new WebClient(port).signIn(user, "demo");
            Answer answer = navigate(browser, "/no-such-page");
            assertPage(answer, 404, "Page not found");
            assertThat(answer.body()).contains("<code id=\"problem-path\">/no-such-page</code>");
            assertPage(navigate(browser, "/css/no-such.css"), 404, "Page not found");
        }
    }

    @Test
    void givenARoleThatMayNotOpenAPage_whenNavigatingToIt_thenAnHtml403Page() {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        assertPage(navigate(alice, "/admin"), 403, "Not allowed");
        assertPage(navigate(alice, "/audit"), 403, "Not allowed");
        assertPage(navigate(alice, "/recordings.html"), 403, "Not allowed");
        assertPage(navigate(new WebClient(port).signIn("bob", "demo"), "/admin.html"), 403, "Not allowed");
        assertPage(navigate(new WebClient(port).signIn("admin", "demo"), "/audit"), 403, "Not allowed");
        assertThat(navigate(new WebClient(port).signIn("audrey", "demo"), "/audit").status()).isEqualTo(200);
    }

    @Test
    void givenAnonymous_whenNavigatingToAPageOrAMissingOne_thenSentToSignInAsBefore() {
        for (String path : List.of("/admin", "/no-such-page", "/")) {
            Answer answer = navigate(new WebClient(port), path);
            assertThat(answer.status()).as(path).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location").orElse("")).endsWith("/login");
        }
        assertThat(navigate(new WebClient(port), "/login").status()).isEqualTo(200);
    }

    @Test
    void givenApiClients_whenRefused_thenProblemJsonAsBefore() {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        for (String accept : new String[] {"application/json", "*/*", "application/problem+json", null}) {
            Map<String, String> headers = accept == null ? Map.of() : Map.of("Accept", accept);
            assertProblem(alice.send("GET", "/no-such-page", headers, null, null), 404, "NOT_FOUND");
            assertProblem(alice.send("GET", "/admin", headers, null, null), 403, "FORBIDDEN");
        }
        // fetch() and XMLHttpRequest from a page, even when they name text/html
        assertProblem(alice.send("GET", "/no-such-page", Map.of("Accept", "text/html", "Sec-Fetch-Mode", "cors"),
                null, null), 404, "NOT_FOUND");
        assertProblem(alice.send("GET", "/admin", Map.of("Accept", "text/html", "X-Requested-With", "XMLHttpRequest"),
                null, null), 403, "FORBIDDEN");
        // Basic credentials or an API token make an API client, whatever it accepts
        Map<String, String> basic = new LinkedHashMap<>(NAVIGATION);
        basic.put("Authorization", WebClient.basic("alice", "demo"));
        assertProblem(new WebClient(port).send("GET", "/no-such-page", basic, null, null), 404, "NOT_FOUND");
        assertProblem(new WebClient(port).send("GET", "/admin", basic, null, null), 403, "FORBIDDEN");
        // the API's addresses answer problem+json to a browser's navigation too
        assertProblem(navigate(new WebClient(port).signIn("admin", "demo"), "/api/no-such-thing"), 404, "NOT_FOUND");
        assertProblem(navigate(alice, "/api/hosts"), 403, "FORBIDDEN");
        assertProblem(navigate(new WebClient(port), "/api/pools"), 401, "UNAUTHENTICATED");
        assertProblem(navigate(alice, "/actuator/prometheus"), 403, "FORBIDDEN");
        // a malformed or oversized Accept header is no browser
        Answer malformed = alice.send("GET", "/no-such-page", Map.of("Accept", "text/html;q=\"\"\"; ,,/"), null, null);
        assertThat(malformed.status()).isBetween(400, 499);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertProblem(alice.send("GET", "/no-such-page", Map.of("Accept", "text/html," + "a/b,".repeat(400)), null,
                null), 404, "NOT_FOUND");
        assertProblem(alice.send("GET", "/no-such-page", Map.of("Accept", "text/html;q=0, */*"), null, null),
                404, "NOT_FOUND");
    }

    @Test
    void givenHostileAddresses_whenNavigating_thenThePageShowsThemEscapedOrTheyAreRefusedWithoutEcho() {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("markup", "/%3Cscript%3Ealert(1)%3C/script%3E");
        hostile.put("quotes", "/x%22%20onmouseover=%22alert(1)%27");
        hostile.put("bidi", "/%E2%80%AEtxt.exe");
        hostile.put("zero width", "/a%E2%80%8Bb");
        hostile.put("control", "/a%07b%1Bc");
        hostile.put("newline", "/a%0d%0aSet-Cookie:%20x=1");
        hostile.put("nul", "/a%00b");
        hostile.put("traversal", "/..%2F..%2Fetc%2Fpasswd");
        hostile.put("dot segments", "/static/../../etc/passwd");
        hostile.put("encoded dots", "/%2e%2e/%2e%2e/etc/passwd");
        hostile.put("backslash", "/a%5C..%5Cb");
        hostile.put("metacharacters", "/$(id);%60id%60%7C&&*?x=%3Cb%3E");
        hostile.put("very long", "/" + "a".repeat(6000));
        for (Map.Entry<String, String> path : hostile.entrySet()) {
            Answer answer = navigate(alice, path.getValue());
            assertThat(answer.status()).as(path.getKey()).isBetween(400, 499);
            String body = answer.body();
            assertThat(body).as(path.getKey()).doesNotContain("<script>", "onmouseover=\"", "\u202E", "\u200B",
                    "\u0007", "Set-Cookie: x", "root:", "Exception");
            assertThat(answer.headers().allValues("Set-Cookie")).as(path.getKey()).noneMatch(c -> c.startsWith("x="));
            if (answer.contentType().startsWith("text/html")) {
                assertThat(body.length()).as(path.getKey()).isLessThan(3000);
            }
        }
    }

    @Test
    void givenRawUtf8BidiAndInvisibleCharactersInTheRequestLine_whenNavigating_thenShownAsQuestionMarks() throws IOException {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        String raw = "GET /r\u202Egnp.exe\u200B HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"
                + "Sec-Fetch-Mode: navigate\r\nCookie: JSESSIONID=" + alice.cookie("JSESSIONID") + "\r\n"
                + "Connection: close\r\n\r\n";
        String response;
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            in.transferTo(read);
            response = read.toString(StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 4").doesNotContain("\u202E", "\u200B");
        if (response.contains("text/html")) {
            assertThat(response).contains("HTTP/1.1 404", "id=\"problem-path\">/r?gnp.exe?</code>");
        }
    }

    @Test
    void given50BrowsersAtOnce_whenNavigatingToTheSameMissingPage_thenEachGetsTheHtml404Page() {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        List<Answer> answers = Concurrently.run(50, () -> navigate(alice, "/no-such-page"));
        assertThat(answers).hasSize(50).allSatisfy(answer -> assertPage(answer, 404, "Page not found"));
    }

    @Test
    void givenACrossSiteNavigationOrWrite_whenRefused_thenNoPageEchoesItAndWritesStayRefused() {
        WebClient alice = new WebClient(port).signIn("alice", "demo");
        Map<String, String> crossSite = new LinkedHashMap<>(NAVIGATION);
        crossSite.put("Sec-Fetch-Site", "cross-site");
        crossSite.put("Origin", "https://evil.example");
        // a link from another site to a missing page: the same page, nothing of the other site in it
        Answer link = alice.send("GET", "/no-such-page", Map.of("Accept", NAVIGATION.get("Accept"),
                "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Site", "cross-site"), null, null);
        assertPage(link, 404, "Page not found");
        // a form another site posts to a page: refused as before, never an HTML page that could be framed
        Answer write = alice.send("POST", "/admin", crossSite, "application/x-www-form-urlencoded", "a=1");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.body()).doesNotContain("evil.example");
        assertThat(write.headers().firstValue("X-Frame-Options").orElse("DENY")).isEqualTo("DENY");
    }
}
