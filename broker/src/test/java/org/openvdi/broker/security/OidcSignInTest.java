package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.security.OidcBrowser.location;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.e2e.HeadlessChromium;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.openvdi.testidp.TestOidcProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sign-in through a real OpenID Connect provider (Spring Authorization Server in a JVM of its own,
 * {@link TestOidcProvider}): the authorization code flow with PKCE and nonce, roles from the {@code groups} claim, a
 * group change at the provider that takes effect at the next sign-in, refusals (no role, hostile claims, a local
 * user's name, a tampered state, a replayed code), single logout at the provider, the sign-in page's button (also in
 * headless Chromium, started once for the class when its test runs), and access tokens while the provider is down.
 */
@BrokerTest
class OidcSignInTest {

    private static final Properties USERS = new Properties();
    private static final OidcProviderProcess PROVIDER;

    static {
        user("oliver", "/vdi-users");
        user("olga", "/vdi-admins");
        user("paul", "/vdi-users");
        user("nina", "/sales");
        user("mallory", "/vdi-users,eng\u202Eineering");
        user("bell", "/vdi-users");
        USERS.setProperty("bell.preferred_username", "bell\u0007");
        user("huge", "/vdi-users," + "g".repeat(5000));
        user("clash", "/vdi-admins");
        USERS.setProperty("clash.preferred_username", "admin");
        PROVIDER = OidcProviderProcess.start(Path.of("target/test-oidc/" + UUID.randomUUID()), USERS);
    }

    private static ChromeDriver chromium;

    @LocalServerPort
    int port;
    @Autowired
    OidcProperties oidc;
    @Autowired
    UserDirectory users;

    private static void user(String name, String groups) {
        USERS.setProperty(name + ".password", name + "-secret");
        USERS.setProperty(name + ".groups", groups);
    }

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("openvdi.security.oidc.enabled", () -> "true");
        registry.add("openvdi.security.oidc.display-name", () -> "Test IdP");
        registry.add("openvdi.security.oidc.issuer-uri", PROVIDER::issuer);
        registry.add("openvdi.security.oidc.client-id", () -> TestOidcProvider.CLIENT_ID);
        registry.add("openvdi.security.oidc.client-secret", () -> TestOidcProvider.CLIENT_SECRET);
        registry.add("openvdi.security.oidc.role-mappings[0].group", () -> "/vdi-users");
        registry.add("openvdi.security.oidc.role-mappings[0].roles", () -> "EMPLOYEE");
        registry.add("openvdi.security.oidc.role-mappings[1].group", () -> "/vdi-admins");
        registry.add("openvdi.security.oidc.role-mappings[1].roles", () -> "ADMIN");
        registry.add("openvdi.security.oidc.role-mappings[2].group", () -> "/vdi-auditors");
        registry.add("openvdi.security.oidc.role-mappings[2].roles", () -> "AUDITOR");
    }

    @BeforeEach
    void tellTheProviderWhereTheBrokerIs() {
        USERS.setProperty("broker.base", broker());
        PROVIDER.users(USERS);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.quit();
        }
        PROVIDER.close();
    }

    private static ChromeDriver chromium() throws IOException {
        if (chromium == null) {
            chromium = HeadlessChromium.start(Path.of("target/it/chromium-oidc"));
        }
        return chromium;
    }

    private String broker() {
        return "http://localhost:" + port;
    }

    private OidcBrowser browser() {
        return new OidcBrowser(broker(), PROVIDER.issuer());
    }

    private static Answer me(OidcBrowser browser) {
        return browser.broker("GET", "/api/me");
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String decoded(String url) {
        return java.net.URLDecoder.decode(url, java.nio.charset.StandardCharsets.UTF_8);
    }

    private OidcBrowser signedIn(String user) {
        OidcBrowser browser = browser();
        Answer back = browser.signIn(user, user + "-secret");
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        assertThat(location(back)).isEqualTo(broker() + "/");
        return browser;
    }

    @Test
    void givenProviderUserInAMappedGroup_whenSigningIn_thenTheFlowUsesPkceAndNonceAndRolesComeFromTheGroupsClaim() {
        OidcBrowser browser = browser();
        String authorization = location(browser.start());
        assertThat(authorization).startsWith(PROVIDER.issuer() + "/oauth2/authorize?")
                .contains("response_type=code", "code_challenge=", "code_challenge_method=S256", "nonce=", "state=",
                        "client_id=" + TestOidcProvider.CLIENT_ID);
        Answer back = browser.get(browser.authorize(authorization, "oliver", "oliver-secret"), Map.of());
        assertThat(location(back)).isEqualTo(broker() + "/");
        Answer me = me(browser);
        assertThat(me.json().path("name").asText()).isEqualTo("oliver");
        assertThat(me.json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");
        assertThat(me.json().path("groups").toString()).isEqualTo("[\"/vdi-users\"]");
        assertThat(browser.broker("GET", "/api/hosts").status()).isEqualTo(403);
        assertThat(me(signedIn("olga")).json().path("roles").toString()).isEqualTo("[\"ADMIN\"]");
    }

    @Test
    void givenUserMovedToAnotherGroupAtTheProvider_whenSigningInAgain_thenTheNewRolesApplyAndTheTokenFollows() {
        OidcBrowser first = signedIn("paul");
        assertThat(me(first).json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");
        Answer issued = first.brokerJson("POST", "/api/tokens", "{\"name\":\"script\",\"ttl\":\"PT2H\"}");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String token = issued.json().path("token").asText();
        WebClient api = new WebClient(port);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        assertThat(api.send("GET", "/api/me", bearer, null, null).json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");

        USERS.setProperty("paul.groups", "/vdi-auditors");
        PROVIDER.users(USERS);
        try {
            Answer after = me(signedIn("paul"));
            assertThat(after.json().path("roles").toString()).isEqualTo("[\"AUDITOR\"]");
            assertThat(after.json().path("groups").toString()).isEqualTo("[\"/vdi-auditors\"]");
            assertThat(api.send("GET", "/api/me", bearer, null, null).json().path("roles").toString())
                    .isEqualTo("[\"AUDITOR\"]");
        } finally {
            USERS.setProperty("paul.groups", "/vdi-users");
            PROVIDER.users(USERS);
        }
    }

    @Test
    void givenProviderUserWithoutAMappedGroup_whenSigningIn_thenAClearRefusalPageAnd403() {
        OidcBrowser browser = browser();
        Answer back = browser.signIn("nina", "nina-secret");
        assertThat(back.status()).isEqualTo(403);
        assertThat(back.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(back.body()).contains("none of your groups gives you access");
        assertThat(me(browser).status()).isEqualTo(401);
    }

    @Test
    void givenHostileClaimsOrALocalUsersName_whenSigningIn_thenRefusedWith400AndNothingEchoed() {
        for (String user : List.of("mallory", "bell", "huge", "clash")) {
            OidcBrowser browser = browser();
            Answer back = browser.signIn(user, user + "-secret");
            assertThat(back.status()).as(user).isEqualTo(400);
            assertThat(back.body()).as(user).doesNotContain("\u202E", "\u0007", "ggggg");
            assertThat(me(browser).status()).as(user).isEqualTo(401);
        }
    }

    @Test
    void givenTamperedState_whenTheProviderSendsTheBrowserBack_thenRefusedWith401() {
        OidcBrowser browser = browser();
        String callback = browser.authorize(location(browser.start()), "oliver", "oliver-secret");
        Matcher state = Pattern.compile("state=([^&]+)").matcher(callback);
        assertThat(state.find()).isTrue();
        Answer tampered = browser.get(callback.replace("state=" + state.group(1), "state=forged" + state.group(1)), Map.of());
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(me(browser).status()).isEqualTo(401);
        // the same code and state in another browser (a stolen callback URL): not this browser's sign-in
        OidcBrowser thief = browser();
        thief.broker("GET", "/login");
        assertThat(thief.get(callback, Map.of()).status()).isEqualTo(401);
        assertThat(me(thief).status()).isEqualTo(401);
    }

    @Test
    void givenOneCallbackUrl_whenFiftyArriveAtOnce_thenEachIsASignInOrA401NeverAnError() {
        OidcBrowser browser = browser();
        String callback = browser.authorize(location(browser.start()), "oliver", "oliver-secret");
        List<Integer> answers = Concurrently.run(50, () -> browser.get(callback, Map.of()).status());
        // the first to arrive uses the code; the others find no authorization request left (or a used code)
        assertThat(answers).allMatch(status -> status == 302 || status == 401).contains(401);
    }

    @Test
    void givenRedirectParametersFromElsewhere_whenSigningIn_thenTheBrokerOnlyEverReturnsToItself() {
        OidcBrowser browser = browser();
        Answer start = browser.get(broker() + "/oauth2/authorization/oidc?redirect_uri=https://evil.example/cb"
                + "&post_logout_redirect_uri=https://evil.example", Map.of());
        assertThat(decoded(location(start))).contains("redirect_uri=" + broker() + "/login/oauth2/code/oidc")
                .doesNotContain("evil");
        Answer back = browser.get(browser.authorize(location(start), "oliver", "oliver-secret"), Map.of());
        assertThat(location(back)).isEqualTo(broker() + "/");
        assertThat(browser.get(broker() + "/oauth2/authorization/other", Map.of()).status()).isIn(302, 401, 404);
    }

    @Test
    void givenProviderUser_whenSigningOut_thenTheLocalSessionEndsAndTheProviderIsAskedToEndItsOwn() {
        OidcBrowser browser = signedIn("oliver");
        Answer out = browser.broker("POST", "/logout");
        assertThat(out.status()).isEqualTo(302);
        assertThat(location(out)).startsWith(PROVIDER.issuer() + "/connect/logout?").contains("id_token_hint=");
        assertThat(decoded(location(out))).contains("post_logout_redirect_uri=" + broker() + "/login?logout");
        assertThat(me(browser).status()).isEqualTo(401);
        Answer atProvider = browser.get(location(out), Map.of());
        assertThat(atProvider.status()).isEqualTo(302);
        assertThat(location(atProvider)).isEqualTo(broker() + "/login?logout");
        // the provider forgot the person too: the next sign-in asks for the password again
        Answer again = browser.get(location(browser.start()), Map.of());
        assertThat(location(again)).isEqualTo(PROVIDER.issuer() + "/login");
    }

    @Test
    void givenThePagesSignOutWithFetch_whenTheyAcceptJson_thenTheyAreToldWhereToGoInsteadOfRedirected() {
        OidcBrowser browser = signedIn("oliver");
        me(browser);
        Answer out = browser.post(broker() + "/logout", "", Map.of("X-XSRF-TOKEN", browser.cookie(broker(), "XSRF-TOKEN"),
                "Accept", "application/json"));
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json().path("location").asText()).startsWith(PROVIDER.issuer() + "/connect/logout?");
        assertThat(me(browser).status()).isEqualTo(401);
    }

    @Test
    void givenProviderConfigured_whenTheSignInPageAsks_thenItOffersTheProviderAndLocalUsersStillSignIn() {
        WebClient anonymous = new WebClient(port);
        Answer options = anonymous.send("GET", "/login/options", Map.of(), null, null);
        assertThat(options.status()).isEqualTo(200);
        assertThat(options.json().path("providerName").asText()).isEqualTo("Test IdP");
        assertThat(options.json().path("providerUrl").asText()).isEqualTo("/oauth2/authorization/oidc");
        assertThat(anonymous.send("GET", "/api/me", Map.of(), null, null).status()).isEqualTo(401);
        for (String local : List.of("admin", "alice", "audrey")) {
            WebClient web = new WebClient(port).signIn(local, "demo");
            assertThat(web.send("GET", "/api/me", Map.of(), null, null).json().path("name").asText()).isEqualTo(local);
            Answer out = web.send("POST", "/logout", Map.of("X-XSRF-TOKEN", web.csrfToken()), null, null);
            assertThat(out.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));
        }
    }

    @Test
    void givenTheProvidersAccessToken_whenAnApiClientPresentsIt_thenItActsAsThatUserWithTheRolesOfTheirGroups() {
        String token = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        WebClient api = new WebClient(port);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);

        Answer me = api.send("GET", "/api/me", bearer, null, null);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("name").asText()).isEqualTo("paul");
        assertThat(me.json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");
        assertThat(api.send("GET", "/api/hosts", bearer, null, null).status()).isEqualTo(403);
        // no session is made for a token: every call is checked again
        assertThat(me.headers().firstValue("Set-Cookie").orElse("")).doesNotContain("SESSION");

        String admins = browser().providerAccessToken("olga", "olga-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        assertThat(api.send("GET", "/api/hosts", Map.of("Authorization", "Bearer " + admins), null, null).status())
                .isEqualTo(200);

        List<Integer> racing = Concurrently.run(50, () -> api.send("GET", "/api/me", bearer, null, null).status());
        assertThat(racing).containsOnly(200);
    }

    @Test
    void givenAccessTokensNotMeantForTheBroker_whenPresented_thenEach401ProblemAndNothingEchoed() {
        WebClient api = new WebClient(port);
        String good = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        String otherApplications = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.OTHER_CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        String[] parts = good.split("\\.");
        String unsigned = parts[0] + "." + parts[1] + ".";
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        String noRole = browser().providerAccessToken("nina", "nina-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\"}".getBytes()) + "." + parts[1] + ".c2lnbmF0dXJl";
        for (String token : List.of(otherApplications, unsigned, tampered, noRole, forged, "a.b.c",
                "x".repeat(7_000) + ".y.z")) {
            Answer answer = api.send("GET", "/api/me", Map.of("Authorization", "Bearer " + token), null, null);
            assertThat(answer.status()).as(token.length() > 80 ? token.substring(0, 80) : token).isEqualTo(401);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(answer.body()).doesNotContain(parts[1]).doesNotContain("paul");
        }
    }

    @Test
    void givenTheSignInPageInChromium_whenAPersonSignsInAtTheProviderAndOut_thenPortalWithMappedRolesAndBothSessionsEnd()
            throws IOException {
        ChromeDriver browser = chromium();
        Duration soon = Duration.ofSeconds(30);
        browser.manage().deleteAllCookies();
        browser.get(broker() + "/login");
        await().atMost(soon).until(() -> browser.findElement(By.id("sso-link")).isDisplayed());
        assertThat(browser.findElement(By.id("sso-link")).getText()).isEqualTo("Sign in with Test IdP");
        browser.findElement(By.id("sso-link")).click();
        await().atMost(soon).until(() -> browser.getCurrentUrl().equals(PROVIDER.issuer() + "/login"));
        signInAtTheProvider(browser, "oliver");
        await().atMost(soon).until(() -> browser.getCurrentUrl().equals(broker() + "/"));
        await().atMost(soon).until(() -> browser.findElement(By.id("who")).getText().equals("oliver"));
        assertThat(meInThePage(browser)).contains("\"name\":\"oliver\"", "\"roles\":[\"EMPLOYEE\"]");
        assertThat(browser.findElement(By.id("admin-link")).isDisplayed()).isFalse();

        browser.findElement(By.id("sign-out")).click();
        // through the provider's logout endpoint and back to the broker's sign-in page
        await().atMost(soon).until(() -> browser.getCurrentUrl().equals(broker() + "/login?logout"));
        await().atMost(soon).until(() -> browser.findElement(By.id("out")).isDisplayed());
        assertThat(meInThePage(browser)).isEqualTo("401");
        await().atMost(soon).until(() -> browser.findElement(By.id("sso-link")).isDisplayed());
        browser.findElement(By.id("sso-link")).click();
        // the provider forgot oliver: it asks for a password again, and another person may sign in
        await().atMost(soon).until(() -> browser.getCurrentUrl().equals(PROVIDER.issuer() + "/login"));
        signInAtTheProvider(browser, "olga");
        await().atMost(soon).until(() -> browser.findElement(By.id("who")).getText().equals("olga"));
        assertThat(meInThePage(browser)).contains("\"name\":\"olga\"", "\"roles\":[\"ADMIN\"]");
        await().atMost(soon).until(() -> browser.findElement(By.id("admin-link")).isDisplayed());
        browser.findElement(By.id("sign-out")).click();
        await().atMost(soon).until(() -> browser.getCurrentUrl().equals(broker() + "/login?logout"));
        assertThat(meInThePage(browser)).isEqualTo("401");
    }

    private static void signInAtTheProvider(ChromeDriver browser, String user) {
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user + "-secret");
        browser.findElement(By.cssSelector("button[type='submit']")).click();
    }

    /** /api/me as the page's own scripts ask it: the JSON answer, or the status when it is not 200. */
    private static String meInThePage(ChromeDriver browser) {
        return (String) browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/me', {credentials: 'same-origin', headers: {Accept: 'application/json'}})"
                + ".then(r => r.ok ? r.text() : String(r.status)).then(done, e => done('failed: ' + e))");
    }

    /**
     * The provider rotates its keys (a restart makes new ones) and goes down: tokens signed with a key the broker knows
     * still work; one signed with the new key, which cannot be fetched, is 503 with Retry-After (it may well be good),
     * never 401; discovery failures back off; and once the provider is back its tokens work.
     */
    @Test
    void givenTheProviderRotatesItsKeysAndGoesDown_whenAccessTokensArrive_thenKnownKeysWork503ForNewOnesAndForAGrowingWait() {
        AtomicLong now = new AtomicLong();
        ProviderAccessTokens tokens = new ProviderAccessTokens(oidc, users, now::get);
        WebClient api = new WebClient(port);
        String token = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        assertThat(api.send("GET", "/api/me", bearer(token), null, null).status()).isEqualTo(200);
        PROVIDER.restart();
        String rotated = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        long retry = oidc.discoveryRetry().toNanos();
        PROVIDER.close();
        try {
            // the broker already has the key of the first token
            assertThat(api.send("GET", "/api/me", bearer(token), null, null).status()).isEqualTo(200);
            // the new key cannot be fetched: the provider's fault, not the token's
            Answer unreachable = api.send("GET", "/api/me", bearer(rotated), null, null);
            assertThat(unreachable.status()).as(unreachable.body()).isEqualTo(503);
            assertThat(unreachable.json().path("code").asText()).isEqualTo("IDENTITY_PROVIDER_UNREACHABLE");
            assertThat(unreachable.headers().firstValue("Retry-After")).isPresent();
            assertThat(Concurrently.run(50, () -> api.send("GET", "/api/me", bearer(rotated), null, null).status()))
                    .containsOnly(503);

            // asked and failed: 503 for discovery-retry
            assertThat(tokens.verify(token)).isInstanceOf(ProviderAccessTokens.ProviderUnreachable.class);
            now.addAndGet(retry);
            // asked again and failed again: the wait doubles
            assertThat(tokens.verify(token)).isInstanceOf(ProviderAccessTokens.ProviderUnreachable.class);
            now.addAndGet(retry);
            long started = System.nanoTime();
            List<ProviderAccessTokens.Verdict> racing = Concurrently.run(50, () -> tokens.verify(token));
            assertThat(racing).allMatch(ProviderAccessTokens.ProviderUnreachable.class::isInstance);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            PROVIDER.restart();
        }
        String fresh = browser().providerAccessToken("paul", "paul-secret", TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET);
        // the provider is back, but the doubled wait has not passed: still not asked
        assertThat(tokens.verify(fresh)).isInstanceOf(ProviderAccessTokens.ProviderUnreachable.class);
        now.addAndGet(retry);
        // asked once the wait is over: it answers, and its (new) keys verify the token from now on
        assertThat(tokens.verify(fresh)).isInstanceOfSatisfying(ProviderAccessTokens.Accepted.class,
                accepted -> assertThat(accepted.user()).isEqualTo("paul"));
        now.addAndGet(-10 * retry);
        assertThat(tokens.verify(fresh)).isInstanceOf(ProviderAccessTokens.Accepted.class);
        // the broker itself verifies the new provider's tokens too
        Answer me = new WebClient(port).send("GET", "/api/me", Map.of("Authorization", "Bearer " + fresh), null, null);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
    }
}
