package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Sign-in with the passwords of a real LDAP server ({@link TestDirectory}, over TCP): bind as the user, group search,
 * nested groups, roles mapped from groups, a group change that takes effect at the next sign-in, local break-glass
 * users beside the directory, API tokens with the roles of the latest sign-in, and hostile names.
 */
@BrokerTest
class LdapSignInTest {

    private static final TestDirectory DIRECTORY = start();

    @LocalServerPort
    int port;

    private static TestDirectory start() {
        try {
            return new TestDirectory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        registry.add("openvdi.security.ldap.enabled", () -> "true");
        registry.add("openvdi.security.ldap.url", DIRECTORY::url);
        registry.add("openvdi.security.ldap.manager-dn", () -> "cn=broker,dc=example,dc=com");
        registry.add("openvdi.security.ldap.manager-password", () -> "broker-secret");
        registry.add("openvdi.security.ldap.user-dn-pattern", () -> "uid={0},ou=people");
        registry.add("openvdi.security.ldap.group-search-base", () -> "ou=groups");
        registry.add("openvdi.security.ldap.nested-groups", () -> "true");
        registry.add("openvdi.security.ldap.role-mappings[0].group", () -> "engineering");
        registry.add("openvdi.security.ldap.role-mappings[0].roles", () -> "EMPLOYEE");
        registry.add("openvdi.security.ldap.role-mappings[1].group", () -> "vdi-admins");
        registry.add("openvdi.security.ldap.role-mappings[1].roles", () -> "ADMIN");
        registry.add("openvdi.security.ldap.role-mappings[2].group", () -> "auditors");
        registry.add("openvdi.security.ldap.role-mappings[2].roles", () -> "AUDITOR");
    }

    @BeforeEach
    void directoryListens() throws Exception {
        DIRECTORY.ensureListening();
    }

    @AfterAll
    static void stop() {
        DIRECTORY.close();
    }

    /** The sign-in form as a browser posts it; the answer to the POST. */
    private Answer formSignIn(WebClient web, String user, String password) {
        web.send("GET", "/login", Map.of(), null, null);
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + web.csrfToken();
        return web.send("POST", "/login", Map.of(), "application/x-www-form-urlencoded", form);
    }

    private WebClient signedIn(String user, String password) {
        WebClient web = new WebClient(port);
        Answer answer = formSignIn(web, user, password);
        assertThat(answer.status()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        return web;
    }

    private static String location(Answer answer) {
        return answer.headers().firstValue("Location").orElse("");
    }

    private static Answer me(WebClient web) {
        return web.send("GET", "/api/me", Map.of(), null, null);
    }

    @Test
    void givenDirectoryUserInAMappedGroup_whenSigningInOnThePage_thenRolesAndGroupsComeFromTheDirectory() {
        Answer me = me(signedIn("lara", "lara-secret"));
        assertThat(me.json().path("name").asText()).isEqualTo("lara");
        assertThat(me.json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");
        assertThat(me.json().path("groups").toString()).isEqualTo("[\"engineering\"]");
    }

    @Test
    void givenUserInAGroupThatIsAMemberOfAMappedGroup_whenSigningIn_thenTheNestedGroupGivesItsRole() {
        Answer me = me(signedIn("carl", "carl-secret"));
        assertThat(me.json().path("roles").toString()).isEqualTo("[\"ADMIN\"]");
        assertThat(me.json().path("groups").toString()).contains("team-a", "vdi-admins");
    }

    @Test
    void givenUserWithoutAMappedGroup_whenSigningInWithTheRightPassword_thenThePageSaysNoRole() {
        WebClient web = new WebClient(port);
        Answer answer = formSignIn(web, "nora", "nora-secret");
        assertThat(answer.status()).isEqualTo(302);
        assertThat(location(answer)).endsWith("/login?norole");
        assertThat(me(web).status()).isEqualTo(401);
    }

    @Test
    void givenDirectoryUser_whenThePasswordIsWrong_thenTheSignInPageSaysSoAndNothingIsSignedIn() {
        WebClient web = new WebClient(port);
        assertThat(location(formSignIn(web, "lara", "wrong"))).endsWith("/login?error");
        assertThat(me(web).status()).isEqualTo(401);
    }

    @Test
    void givenUserMovedToAnotherGroup_whenSigningInAgain_thenTheNewGroupsRolesApplyAndTheTokenFollows() throws Exception {
        WebClient before = signedIn("greg", "greg-secret");
        assertThat(me(before).json().path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");
        Answer issued = before.send("POST", "/api/tokens", Map.of("X-XSRF-TOKEN", before.csrfToken()), "application/json",
                "{\"name\":\"script\",\"ttl\":\"PT2H\"}");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String token = issued.json().path("token").asText();
        WebClient api = new WebClient(port);
        assertThat(api.send("GET", "/api/me", Map.of("Authorization", "Bearer " + token), null, null).json()
                .path("roles").toString()).isEqualTo("[\"EMPLOYEE\"]");

        DIRECTORY.move("greg", "engineering", "auditors");
        try {
            Answer after = me(signedIn("greg", "greg-secret"));
            assertThat(after.json().path("roles").toString()).isEqualTo("[\"AUDITOR\"]");
            assertThat(after.json().path("groups").toString()).isEqualTo("[\"auditors\"]");
            Answer byToken = api.send("GET", "/api/me", Map.of("Authorization", "Bearer " + token), null, null);
            assertThat(byToken.json().path("roles").toString()).isEqualTo("[\"AUDITOR\"]");
            assertThat(api.send("GET", "/api/pools", Map.of("Authorization", "Bearer " + token), null, null).status())
                    .isEqualTo(200);
            assertThat(api.send("POST", "/api/sessions", Map.of("Authorization", "Bearer " + token), "application/json",
                    "{}").status()).isEqualTo(403);
        } finally {
            DIRECTORY.move("greg", "auditors", "engineering");
        }
    }

    @Test
    void givenLocalBreakGlassAdmin_whenTheDirectoryHasTheSameName_thenOnlyTheLocalPasswordSignsIn() {
        assertThat(me(signedIn("admin", "demo")).json().path("roles").toString()).isEqualTo("[\"ADMIN\"]");
        WebClient web = new WebClient(port);
        assertThat(location(formSignIn(web, "admin", "admin-secret"))).endsWith("/login?error");
        assertThat(me(web).status()).isEqualTo(401);
        assertThat(me(signedIn("alice", "demo")).json().path("groups").toString()).isEqualTo("[\"engineering\"]");
    }

    @Test
    void givenDirectoryPasswordWithHttpBasic_whenCallingTheApi_thenTheDirectoryRolesDecide() {
        WebClient api = new WebClient(port);
        Map<String, String> lara = Map.of("Authorization", WebClient.basic("lara", "lara-secret"));
        assertThat(api.send("GET", "/api/pools", lara, null, null).status()).isEqualTo(200);
        Answer hosts = api.send("GET", "/api/hosts", lara, null, null);
        assertThat(hosts.status()).isEqualTo(403);
        assertThat(hosts.contentType()).startsWith("application/problem+json");
        Answer wrong = api.send("GET", "/api/pools", Map.of("Authorization", WebClient.basic("lara", "nope")), null, null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.contentType()).startsWith("application/problem+json");
    }

    @Test
    void givenHostileNames_whenSigningIn_thenRefusedAsWrongPasswordsNeverAsErrors() {
        // (the form trims what surrounds a name, control characters included: "lara\u0000" is lara, as for local users)
        for (String name : List.of("*", "lara)(uid=*", "*)(|(uid=*", "uid=lara,ou=people", "la\u0000ra", "la\u202Era",
                "../../etc/passwd", "x".repeat(5000), "lara\r\nX-Injected: 1", "cn=admin\\,dc=example")) {
            WebClient web = new WebClient(port);
            Answer answer = formSignIn(web, name, "lara-secret");
            assertThat(answer.status()).as(name).isEqualTo(302);
            assertThat(location(answer)).as(name).endsWith("/login?error");
            Answer basic = web.send("GET", "/api/pools", Map.of("Authorization", WebClient.basic(name, "lara-secret")),
                    null, null);
            assertThat(basic.status()).as(name).isIn(400, 401);
        }
    }

    @Test
    void givenFiftySignInsOfOneDirectoryUserAtOnce_whenTheyRace_thenEachSignsIn() {
        List<Integer> answers = Concurrently.run(50, () -> {
            WebClient web = new WebClient(port);
            Answer answer = formSignIn(web, "lara", "lara-secret");
            return answer.status() == 302 && location(answer).endsWith("/") ? me(web).status() : answer.status();
        });
        assertThat(answers).containsOnly(200);
    }

    @Test
    void givenSignInFormPostedFromAnotherSite_whenItArrivesWithoutTheCsrfToken_thenRefused() {
        WebClient web = new WebClient(port);
        web.send("GET", "/login", Map.of(), null, null);
        Answer answer = web.send("POST", "/login", Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"),
                "application/x-www-form-urlencoded", "username=lara&password=lara-secret");
        assertThat(answer.status()).isIn(401, 403);
        assertThat(me(web).status()).isEqualTo(401);
    }

    @Test
    void givenDirectorySignIn_whenAuditorsReadTheSecurityLog_thenItIsThereWithItsSource() {
        signedIn("lara", "lara-secret");
        WebClient auditor = new WebClient(port);
        Map<String, String> audrey = Map.of("Authorization", WebClient.basic("audrey", "demo"), "Accept", "application/json");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Answer log = auditor.send("GET", "/api/audit/security", audrey, null, null);
            assertThat(log.status()).as(log.body()).isEqualTo(200);
            assertThat(log.body()).contains("\"SIGNED_IN\"", "\"lara\"", "\"LDAP\"");
        });
    }
}
