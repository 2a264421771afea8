package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Shared sessions through the API on a whole broker (libvirt's test driver as its host): only the session's user
 * shares it, each role and anonymous get their answer, the link works once (also when fifty race), can be withdrawn
 * and ends with the session, every hostile input answers a 4xx problem, and another site can do nothing.
 */
@BrokerTest
class ShareApiTest {

    private static final Duration SOON = Duration.ofSeconds(60);
    private static final Map<String, String> FROM_EVIL = Map.of("Origin", "http://evil.example",
            "Sec-Fetch-Site", "cross-site");
    private static String pool;

    @LocalServerPort
    int port;
    ApiClient alice;
    ApiClient bob;
    ApiClient admin;
    ApiClient audrey;
    ApiClient anonymous;

    @BeforeEach
    void poolOfAliceAndBob() {
        alice = new ApiClient(port, "alice", "demo");
        bob = new ApiClient(port, "bob", "demo");
        admin = new ApiClient(port, "admin", "demo");
        audrey = new ApiClient(port, "audrey", "demo");
        anonymous = new ApiClient(port, null, null);
        if (pool == null) {
            AdminScenario scenario = new AdminScenario(port);
            scenario.host("share-host-" + UUID.randomUUID(), "test:///default", 20);
            String template = scenario.template("share-" + UUID.randomUUID());
            pool = scenario.pool("share-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 10, "alice",
                    "bob");
        }
    }

    /** Alice's open session of the pool, READY. */
    private String readySession(ApiClient user) {
        Answer requested = user.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String session = requested.json().get("id").asText();
        await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> user.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        return session;
    }

    private String freshSession() {
        for (JsonNode s : alice.get("/api/sessions").json()) {
            if (!List.of("ENDED", "FAILED").contains(s.get("state").asText())) {
                alice.delete("/api/sessions/" + s.get("id").asText());
            }
        }
        return readySession(alice);
    }

    private Answer share(ApiClient user, String session, String body) {
        return user.post("/api/sessions/" + session + "/shares", body);
    }

    private static String secretOf(Answer shared) {
        String link = shared.json().get("link").asText();
        return link.substring(link.indexOf("share=") + "share=".length());
    }

    private Answer join(ApiClient user, String secret) {
        return user.post("/api/sessions/join", "{\"share\":\"" + secret + "\"}");
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).as(answer.body()).isEqualTo(code);
        }
    }

    private List<String> eventTypes(String session) {
        return admin.get("/api/events?aggregateId=" + session).json().findValuesAsText("type");
    }

    @Test
    void givenAlicesSession_whenSharedViewOnly_thenTheLinkWorksOnceForBobAndEverythingIsRecorded() {
        String session = freshSession();
        Instant before = Instant.now();

        Answer shared = share(alice, session, "{\"mode\":\"VIEW\",\"expiresIn\":600}");

        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        assertThat(shared.json().get("link").asText()).matches("http://localhost:\\d+/shared\\.html\\?share=[A-Za-z0-9_-]{43}");
        assertThat(shared.json().get("state").asText()).isEqualTo("OPEN");
        assertThat(Instant.parse(shared.json().get("expiresAt").asText()))
                .isBetween(before.plusSeconds(595), Instant.now().plusSeconds(601));
        String secret = secretOf(shared);
        String shareId = shared.json().get("id").asText();
        assertThat(admin.get("/api/events?aggregateId=" + session).body()).doesNotContain(secret);
        JsonNode listed = alice.get("/api/sessions/" + session + "/shares").json().get(0);
        assertThat(listed.path("link").isMissingNode() || listed.get("link").isNull()).as("the secret is shown once").isTrue();

        Answer joined = join(bob, secret);

        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        assertThat(joined.json().get("mode").asText()).isEqualTo("VIEW");
        assertThat(joined.json().get("owner").asText()).isEqualTo("alice");
        assertThat(joined.json().get("connectUrl").asText()).contains("/connect?token=").endsWith("&session=" + session);
        assertProblem(join(bob, secret), 409, "SHARE_ALREADY_USED");
        assertProblem(join(admin, secret), 409, "SHARE_ALREADY_USED");
        JsonNode view = alice.get("/api/sessions/" + session + "/shares").json().get(0);
        assertThat(view.get("id").asText()).isEqualTo(shareId);
        assertThat(view.get("state").asText()).isEqualTo("JOINED");
        assertThat(view.get("joinedBy").asText()).isEqualTo("bob");
        assertThat(view.get("joinedFrom").asText()).isNotBlank();
        assertThat(view.get("watching").asBoolean()).isTrue();
        assertThat(eventTypes(session)).contains("SessionSharedEvent", "SharedSessionJoinedEvent");

        Answer revoked = alice.delete("/api/sessions/" + session + "/shares/" + shareId);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("state").asText()).isEqualTo("REVOKED");
        assertThat(eventTypes(session)).contains("ShareRevokedEvent");
    }

    @Test
    void givenAShare_whenEachRoleAndAnonymousAsk_thenOnlyTheOwnerSharesAndOwnerAdminsAndAuditorsRead() {
        String session = freshSession();
        String body = "{\"mode\":\"CONTROL\"}";

        assertProblem(share(bob, session, body), 404, "SESSION_NOT_FOUND");
        assertProblem(share(admin, session, body), 404, "SESSION_NOT_FOUND");
        assertProblem(share(audrey, session, body), 403, null);
        assertProblem(share(anonymous, session, body), 401, null);
        Answer shared = share(alice, session, body);
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String shareId = shared.json().get("id").asText();
        String shares = "/api/sessions/" + session + "/shares";

        assertThat(alice.get(shares).status()).isEqualTo(200);
        assertThat(admin.get(shares).status()).isEqualTo(200);
        assertThat(audrey.get(shares).json().get(0).get("mode").asText()).isEqualTo("CONTROL");
        assertProblem(bob.get(shares), 404, "SESSION_NOT_FOUND");
        assertProblem(anonymous.get(shares), 401, null);
        assertProblem(bob.delete(shares + "/" + shareId), 404, "SESSION_NOT_FOUND");
        assertProblem(audrey.delete(shares + "/" + shareId), 403, null);
        assertProblem(anonymous.delete(shares + "/" + shareId), 401, null);
        assertProblem(alice.delete(shares + "/" + UUID.randomUUID()), 404, "SHARE_NOT_FOUND");
        assertProblem(join(audrey, secretOf(shared)), 403, null);
        assertProblem(join(anonymous, secretOf(shared)), 401, null);
        assertProblem(join(alice, secretOf(shared)), 403, "SHARE_NOT_FOR_YOU");

        assertThat(admin.delete(shares + "/" + shareId).json().get("state").asText()).isEqualTo("REVOKED");
        assertThat(admin.delete(shares + "/" + shareId).status()).isEqualTo(200);
        assertProblem(join(bob, secretOf(shared)), 410, "SHARE_REVOKED");
    }

    @Test
    void givenAShareForBob_whenSomeoneElseOpensIt_thenNotForThemAndBobStillCan() {
        String session = freshSession();
        Answer shared = share(alice, session, "{\"mode\":\"VIEW\",\"viewer\":\"bob\"}");

        assertProblem(join(admin, secretOf(shared)), 403, "SHARE_NOT_FOR_YOU");
        assertThat(join(bob, secretOf(shared)).status()).isEqualTo(200);
    }

    @Test
    void givenAnUnusedShare_whenTheSessionEnds_thenTheLinkEndsWithIt() {
        String session = freshSession();
        Answer shared = share(alice, session, "{\"mode\":\"VIEW\"}");

        assertThat(alice.delete("/api/sessions/" + session).status()).isEqualTo(200);

        assertProblem(join(bob, secretOf(shared)), 410, "SESSION_ENDED");
        assertThat(alice.get("/api/sessions/" + session + "/shares").json().get(0).get("state").asText())
                .isEqualTo("EXPIRED");
        assertThat(eventTypes(session)).contains("ShareExpiredEvent");
        assertProblem(share(alice, session, "{\"mode\":\"VIEW\"}"), 410, "SESSION_ENDED");
    }

    @Test
    void givenOneLink_whenFiftyJoinsRace_thenExactlyOneWinsAndTheOthersAreTold() {
        String session = freshSession();
        String secret = secretOf(share(alice, session, "{\"mode\":\"VIEW\"}"));

        List<Answer> answers = Concurrently.run(50, () -> join(bob, secret));

        assertThat(answers.stream().filter(a -> a.status() == 200)).hasSize(1);
        assertThat(answers.stream().filter(a -> a.status() != 200).map(Answer::code)).hasSize(49)
                .allMatch("SHARE_ALREADY_USED"::equals);
        assertThat(eventTypes(session).stream().filter("SharedSessionJoinedEvent"::equals)).hasSize(1);
    }

    @Test
    void givenHostileInput_whenSharingOrJoining_thenEachIsA4xxProblem() {
        String session = freshSession();
        for (String body : List.of("{\"mode\":\"EVERYTHING\"}", "{\"mode\":\"VIEW\",\"expiresIn\":10}",
                "{\"mode\":\"VIEW\",\"expiresIn\":1000000000}", "{\"mode\":\"VIEW\",\"viewer\":\"../../etc/passwd\"}",
                "{\"mode\":\"VIEW\",\"viewer\":\"bob\u202e\"}", "{\"mode\":\"VIEW\",\"viewer\":\"bob;rm -rf /\"}",
                "{\"mode\":\"VIEW\",\"viewer\":\"b\\u0000ob\"}", "{}", "not json", "[1,2]",
                "{\"mode\":\"VIEW\",\"extra\":1}")) {
            Answer answer = share(alice, session, body);
            assertThat(answer.status()).as(body + " -> " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).as(body).startsWith("application/problem+json");
        }
        for (String secret : List.of("", "<script>alert(1)</script>", "../../etc/passwd", "a".repeat(42),
                "a".repeat(44), "\u202e" + "a".repeat(42), "a'; DROP TABLE session_share; --")) {
            Answer answer = bob.post("/api/sessions/join", bob.write(Map.of("share", secret)));
            assertThat(answer.status()).as(secret + " -> " + answer.body()).isBetween(400, 499);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertProblem(join(bob, "a".repeat(43)), 404, "SHARE_NOT_FOUND");
        Answer oversized = bob.post("/api/sessions/join", "{\"share\":\"" + "a".repeat(2_000_000) + "\"}");
        assertThat(oversized.status()).isBetween(400, 499);
        for (String id : List.of("not-a-uuid", "..%2F..%2Fetc", "%E2%80%AE", "1;DROP")) {
            assertThat(alice.get("/api/sessions/" + id + "/shares").status()).as(id).isBetween(400, 499);
            assertThat(alice.delete("/api/sessions/" + session + "/shares/" + id).status()).as(id).isBetween(400, 499);
        }
    }

    @Test
    void givenAnotherSite_whenItMakesABrowserShareJoinOrWithdraw_thenNothingHappens() {
        String session = freshSession();
        Answer shared = share(alice, session, "{\"mode\":\"VIEW\"}");
        String shareId = shared.json().get("id").asText();
        WebClient browser = new WebClient(port);
        Map<String, String> asAlice = new java.util.HashMap<>(FROM_EVIL);
        asAlice.put("Authorization", WebClient.basic("alice", "demo"));
        Map<String, String> asBob = new java.util.HashMap<>(FROM_EVIL);
        asBob.put("Authorization", WebClient.basic("bob", "demo"));

        assertThat(browser.send("POST", "/api/sessions/" + session + "/shares", asAlice, "application/json",
                "{\"mode\":\"CONTROL\"}").status()).isEqualTo(403);
        assertThat(browser.send("POST", "/api/sessions/join", asBob, "application/json",
                "{\"share\":\"" + secretOf(shared) + "\"}").status()).isEqualTo(403);
        assertThat(browser.send("POST", "/api/sessions/join", asBob, "text/plain",
                "{\"share\":\"" + secretOf(shared) + "\"}").status()).isEqualTo(415);
        assertThat(browser.send("DELETE", "/api/sessions/" + session + "/shares/" + shareId, asAlice, null, null)
                .status()).isEqualTo(403);
        WebClient signedIn = new WebClient(port).signIn("bob", "demo");
        assertThat(signedIn.send("POST", "/api/sessions/join", Map.of(), "application/json",
                "{\"share\":\"" + secretOf(shared) + "\"}").status()).isEqualTo(403);

        JsonNode view = alice.get("/api/sessions/" + session + "/shares").json();
        assertThat(view).hasSize(1);
        assertThat(view.get(0).get("state").asText()).isEqualTo("OPEN");
    }
}
