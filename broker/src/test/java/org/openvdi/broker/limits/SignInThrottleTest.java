package org.openvdi.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.RawAuthorization;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Sign-in throttling over real HTTP, for HTTP Basic and the sign-in form, with a 3-second ban so that a
 * test can wait one out. Requests come from 127.0.0.1 unless a test binds its socket to another loopback
 * address (all of 127.0.0.0/8 is this machine on Linux). Each test starts with no counts.
 */
@BrokerTest
@TestPropertySource(properties = {
        "openvdi.limits.sign-in.max-failures=5",
        "openvdi.limits.sign-in.window=1m",
        "openvdi.limits.sign-in.ban=3s"})
class SignInThrottleTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void noCounts() {
        jdbc.sql("DELETE FROM limit_counter").update();
    }

    private long throttledEvents() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%SignInThrottledEvent'")
                .query(Long.class).single();
    }

    @Test
    void given30WrongPasswords_whenTried_then401UntilTheFifthThen429EvenWithTheRightPasswordUntilTheBanEnds()
            throws InterruptedException {
        long eventsBefore = throttledEvents();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(new ApiClient(port, "alice", "wrong-" + i).get("/api/me").status());
        }

        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 30)).containsOnly(429);
        Answer right = new ApiClient(port, "alice", "demo").get("/api/me");
        assertThat(right.status()).isEqualTo(429);
        assertThat(right.contentType()).startsWith("application/problem+json");
        assertThat(right.code()).isEqualTo("SIGN_IN_THROTTLED");
        assertThat(retryAfter("alice", "demo")).isBetween(1L, 3L);
        assertThat(throttledEvents() - eventsBefore).as("one per ban: the name's and the address's").isEqualTo(2);

        Thread.sleep(3200);
        assertThat(new ApiClient(port, "alice", "demo").get("/api/me").status()).isEqualTo(200);
    }

    @Test
    void givenFiveWrongPasswordsOfOneNameFromFiveAddresses_whenTheRightOneFollows_thenTheNameIsRefusedButOthersAreNot()
            throws IOException {
        for (int i = 2; i <= 6; i++) {
            assertThat(basicFrom("127.0.0." + i, "bob", "wrong")).isEqualTo(401);
        }

        assertThat(basicFrom("127.0.0.7", "bob", "demo")).isEqualTo(429);
        assertThat(basicFrom("127.0.0.7", "alice", "demo")).isEqualTo(200);
        assertThat(new ApiClient(port, "alice", "demo").get("/api/me").status()).isEqualTo(200);
    }

    @Test
    void givenABannedName_whenBasicIsSpelledAsSpringAlsoAcceptsIt_thenStillRefused() throws IOException {
        List<String> spellings = List.of("basic ", "BASIC ", "Basic\t", "bAsIc\t");
        for (String scheme : spellings) {
            assertThat(authorizationFrom("127.0.0.11", scheme + encoded("bob", "demo"))).as("Spring accepts %s", scheme)
                    .isEqualTo(200);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(basicFrom("127.0.0.10", "alice", "wrong")).isEqualTo(401);
        }

        for (String scheme : spellings) {
            assertThat(authorizationFrom("127.0.0.12", scheme + encoded("alice", "demo"))).as(scheme).isEqualTo(429);
        }
    }

    @Test
    void givenFiveUnknownNamesFromOneAddress_whenAKnownUserSignsInFromThere_thenRefusedButFromElsewhereNot()
            throws IOException {
        for (int i = 0; i < 5; i++) {
            assertThat(basicFrom("127.0.0.8", "nobody-" + i, "demo")).isEqualTo(401);
        }

        assertThat(basicFrom("127.0.0.8", "alice", "demo")).isEqualTo(429);
        assertThat(basicFrom("127.0.0.9", "alice", "demo")).isEqualTo(200);
    }

    @Test
    void givenWrongPasswordsInTheForm_whenTheFifthFails_thenTheFormSaysThrottledEvenForTheRightPassword() throws Exception {
        Form form = new Form();
        for (int i = 0; i < 5; i++) {
            assertThat(form.signIn("audrey", "wrong").headers().firstValue("Location").orElse("")).endsWith("/login?error");
        }

        HttpResponse<String> right = form.signIn("audrey", "demo");

        assertThat(right.statusCode()).isEqualTo(302);
        assertThat(right.headers().firstValue("Location").orElse("")).endsWith("/login?throttled");
        assertThat(right.headers().firstValue("Retry-After")).isPresent();
        assertThat(new ApiClient(port, "audrey", "demo").get("/api/me").code()).as("Basic is refused too")
                .isEqualTo("SIGN_IN_THROTTLED");
        assertThat(form.page("/login.html")).contains("throttled");
    }

    @Test
    void givenFewerFailuresThanTheLimit_whenTheRightPasswordFollowsInTheForm_thenSignedInAndTheCountStartsAgain()
            throws Exception {
        Form form = new Form();
        for (int i = 0; i < 4; i++) {
            form.signIn("admin", "wrong");
        }
        assertThat(form.signIn("admin", "demo").headers().firstValue("Location").orElse("")).doesNotContain("error");

        for (int i = 0; i < 4; i++) {
            assertThat(basicFrom("127.0.0.13", "admin", "wrong")).as("from another address: this one has 4").isEqualTo(401);
        }
        assertThat(basicFrom("127.0.0.13", "admin", "demo")).isEqualTo(200);
    }

    @Test
    void givenHostileNames_whenTried_thenEvery4xxAndNeverAServerError() throws Exception {
        List<String> names = List.of("a".repeat(4000), "\u202Eadmin", "adm\u0000in", "admin\r\nX-Evil: 1", "\uD83D\uDE00",
                "é\u200B", ":", "");
        List<Integer> statuses = new ArrayList<>();
        for (String name : names) {
            statuses.add(new ApiClient(port, name, "wrong").get("/api/me").status());
            statuses.add(new Form().signIn(name + "x".repeat(100_000), "wrong").statusCode());
        }

        assertThat(statuses).allMatch(s -> s >= 300 && s < 500);
    }

    /** A Basic-authenticated GET /api/me over a socket bound to the given loopback address; answers the status. */
    private int basicFrom(String localAddress, String user, String password) throws IOException {
        return authorizationFrom(localAddress, "Basic " + encoded(user, password));
    }

    private static String encoded(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private int authorizationFrom(String localAddress, String authorization) throws IOException {
        return RawAuthorization.status(port, localAddress, authorization);
    }

    private long retryAfter(String user, String password) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/me"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.discarding());
            return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A browser on the sign-in page: its cookies (CSRF token, session), no automatic redirects. */
    private final class Form {
        private final CookieManager cookies = new CookieManager();
        private final HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).build();

        String page(String path) throws IOException, InterruptedException {
            return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }

        HttpResponse<String> signIn(String user, String password) throws IOException, InterruptedException {
            page("/login");
            String csrf = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
                    .map(java.net.HttpCookie::getValue).findFirst().orElse("");
            String body = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
            return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
