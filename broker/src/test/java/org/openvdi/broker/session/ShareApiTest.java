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
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.openvdi.broker.session.api.RecordSessionConnectedCommand;
import org.openvdi.broker.session.api.RecordSessionDisconnectedCommand;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.RedeemConnectionTokenCommand;
import org.openvdi.broker.session.api.RedemptionAccepted;
import org.openvdi.broker.session.api.RedemptionRefused;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
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
    @Autowired
    CommandGateway commands;
    @Autowired
    ShareExpiryProcess expiry;
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

    /** Alice's new session, READY: nobody connected to it yet. */
    private String unconnectedSession() {
        for (JsonNode s : alice.get("/api/sessions").json()) {
            if (!List.of("ENDED", "FAILED").contains(s.get("state").asText())) {
                alice.delete("/api/sessions/" + s.get("id").asText());
            }
        }
        return readySession(alice);
    }

    /**
     * Alice's new session, CONNECTED. The test driver's desktops have no display, so no gateway connects: the
     * gateway's telemetry is sent as the command the telemetry recorder sends.
     */
    private String freshSession() {
        String session = unconnectedSession();
        connected(session);
        return session;
    }

    private void connected(String session) {
        commands.sendAndWait(new RecordSessionConnectedCommand(UUID.fromString(session), "gw-a", "192.0.2.1",
                Instant.now()));
        await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() ->
                alice.get("/api/sessions/" + session).json().get("state").asText().equals("CONNECTED"));
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
    @Test
    void givenAlicesSessionNotConnected_whenBobOpensHerLink_thenOwnerAbsentAndTheLinkStaysGoodUntilSheIs() {
        String session = unconnectedSession();
        Answer shared = share(alice, session, "{\"mode\":\"VIEW\"}");
        String secret = secretOf(shared);

        assertProblem(join(bob, secret), 409, "SHARE_OWNER_ABSENT");
        assertThat(alice.get("/api/sessions/" + session + "/shares").json().get(0).get("state").asText())
                .isEqualTo("OPEN");
        assertThat(eventTypes(session)).doesNotContain("SharedSessionJoinedEvent");

        connected(session);
        Answer joined = join(bob, secret);
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
    }

    /** One gateway's proof that it carries a tunnel: the connection id it was handed at a redemption. */
    private record Tunnel(String session, String gatewayId, String connectionId) {
    }

    /** Redeems the token of a connect URL as gateway {@code gatewayId} would (the redeemer's command). */
    private Tunnel redeemed(String session, String connectUrl, String gatewayId) {
        String token = connectUrl.substring(connectUrl.indexOf("token=") + "token=".length()).replaceFirst("&.*$", "");
        ConnectionToken resume = ConnectionToken.random();
        ConnectionToken connection = ConnectionToken.random();
        commands.sendAndWait(new RedeemConnectionTokenCommand(UUID.fromString(session), ConnectionToken.hashOf(token),
                Instant.now(), true, gatewayId, "192.0.2.9", UUID.randomUUID(), resume.hash(), Duration.ofMinutes(5),
                connection.hash()));
        return new Tunnel(session, gatewayId, connection.value());
    }

    private JsonNode notices(Tunnel tunnel) {
        ApiClient gateway = new ApiClient(port, "gateway", "test-gateway-secret");
        Answer answer = gateway.post("/internal/notices", gateway.write(Map.of("gatewayId", tunnel.gatewayId(),
                "tunnels", List.of(Map.of("sessionId", tunnel.session(), "connectionId", tunnel.connectionId())))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static List<JsonNode> ofKind(JsonNode notices, String field) {
        List<JsonNode> found = new java.util.ArrayList<>();
        notices.forEach(n -> {
            if (n.hasNonNull(field)) {
                found.add(n);
            }
        });
        return found;
    }

    /** Alice on gateway A, bob watching her through gateway B: the two proofs. */
    private Tunnel[] aliceOnAAndBobOnB(String session, String mode, int expiresIn) {
        Tunnel alicesTunnel = redeemed(session, alice.post("/api/sessions/" + session + "/connect", "").json()
                .get("connectUrl").asText(), "gw-a");
        Answer shared = share(alice, session, "{\"mode\":\"" + mode + "\",\"expiresIn\":" + expiresIn + "}");
        Answer joined = join(bob, secretOf(shared));
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        Tunnel bobsTunnel = redeemed(session, joined.json().get("connectUrl").asText(), "gw-b");
        return new Tunnel[] {alicesTunnel, bobsTunnel};
    }

    @Test
    void givenBobWatchingThroughAnotherGateway_whenAliceWithdrawsTheShare_thenHerGatewayShowsHimAndHisCutsHimOff() {
        String session = freshSession();
        Tunnel[] tunnels = aliceOnAAndBobOnB(session, "VIEW", 600);
        Tunnel alices = tunnels[0];
        Tunnel bobs = tunnels[1];

        JsonNode onA = await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() -> notices(alices),
                n -> !ofKind(n, "watching").isEmpty() && !ofKind(n, "watching").get(0).get("watching").isEmpty());
        assertThat(ofKind(onA, "watching").get(0).get("watching").get(0).get("name").asText()).isEqualTo("bob");
        assertThat(ofKind(onA, "watching").get(0).get("watching").get(0).get("access").asText()).isEqualTo("VIEW");
        assertThat(ofKind(notices(bobs), "watching").get(0).get("watching")).as("bob's own gateway knows him").isEmpty();
        assertThat(ofKind(notices(bobs), "viewer")).isEmpty();
        String shareId = alice.get("/api/sessions/" + session + "/shares").json().get(0).get("id").asText();

        assertThat(alice.delete("/api/sessions/" + session + "/shares/" + shareId).status()).isEqualTo(200);

        JsonNode cut = await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> ofKind(notices(bobs), "viewer"), list -> !list.isEmpty()).get(0);
        assertThat(cut.get("viewer").asText()).isEqualTo("bob");
        assertThat(cut.get("cut").asText()).isEqualTo("SHARE_REVOKED");
        assertThat(ofKind(notices(new Tunnel(session, "gw-b", ConnectionToken.random().value())), "viewer"))
                .as("a gateway that proves nothing learns nothing").isEmpty();
        assertThat(ofKind(notices(alices), "watching").get(0).get("watching")).isEmpty();
    }

    /**
     * Bob watches Alice through a view-only link and then also through a link with control; Alice withdraws the one
     * with control. The cut notice names that link, so his gateway cuts only his tunnel through it, and the resume
     * token of that tunnel is refused as withdrawn instead of continuing under the view-only link.
     */
    @Test
    void givenBobWatchingThroughTwoLinks_whenAliceWithdrawsOne_thenOnlyItIsCutAndItsResumeTokenIsRefused() {
        String session = freshSession();
        Tunnel bobsView = aliceOnAAndBobOnB(session, "VIEW", 600)[1];
        String viewShare = alice.get("/api/sessions/" + session + "/shares").json().get(0).get("id").asText();
        Answer control = share(alice, session, "{\"mode\":\"CONTROL\",\"viewer\":\"bob\"}");
        assertThat(control.status()).as(control.body()).isEqualTo(201);
        String controlShare = control.json().get("id").asText();
        Answer joined = join(bob, secretOf(control));
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        String connectUrl = joined.json().get("connectUrl").asText();
        String token = connectUrl.substring(connectUrl.indexOf("token=") + "token=".length()).replaceFirst("&.*$", "");
        ConnectionToken resume = ConnectionToken.random();
        Object accepted = commands.sendAndWait(new RedeemConnectionTokenCommand(UUID.fromString(session),
                ConnectionToken.hashOf(token), Instant.now(), true, "gw-b", "192.0.2.9", UUID.randomUUID(),
                resume.hash(), Duration.ofMinutes(5), ConnectionToken.random().hash()));
        assertThat(accepted).isEqualTo(RedemptionAccepted.viewer(UUID.fromString(session),
                ((RedemptionAccepted) accepted).desktopId(), "bob", ShareMode.CONTROL, UUID.fromString(controlShare)));

        assertThat(alice.delete("/api/sessions/" + session + "/shares/" + controlShare).status()).isEqualTo(200);

        JsonNode cut = await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> ofKind(notices(bobsView), "viewer"), list -> !list.isEmpty()).get(0);
        assertThat(ofKind(notices(bobsView), "viewer")).singleElement().isEqualTo(cut);
        assertThat(cut.get("viewer").asText()).isEqualTo("bob");
        assertThat(cut.get("cut").asText()).isEqualTo("SHARE_REVOKED");
        assertThat(cut.get("shareId").asText()).isEqualTo(controlShare).isNotEqualTo(viewShare);
        Object reconnect = commands.sendAndWait(new RedeemConnectionTokenCommand(UUID.fromString(session),
                resume.hash(), Instant.now(), true, "gw-b", "192.0.2.9", UUID.randomUUID(),
                ConnectionToken.random().hash(), Duration.ofMinutes(5), ConnectionToken.random().hash()));
        assertThat(reconnect).isInstanceOfSatisfying(RedemptionRefused.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.SHARE_REVOKED));
    }

    @Test
    void givenBobWatching_whenTheShareRunsOut_thenHisGatewayCutsHimOffAndHisTokenIsRefused() {
        String session = freshSession();
        Tunnel bobs = aliceOnAAndBobOnB(session, "CONTROL", 60)[1];

        expiry.expireAt(Instant.now().plusSeconds(61));

        JsonNode cut = await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> ofKind(notices(bobs), "viewer"), list -> !list.isEmpty()).get(0);
        assertThat(cut.get("cut").asText()).isEqualTo("SHARE_EXPIRED");
        assertThat(alice.get("/api/sessions/" + session + "/shares").json().get(0).get("state").asText())
                .isEqualTo("EXPIRED");
        assertThat(eventTypes(session)).contains("ShareExpiredEvent");
    }

    @Test
    void givenBobWatching_whenAliceDisconnectsAndLaterHerSessionEnds_thenHisGatewayCutsHimOffEachTimeSayingWhy() {
        String session = freshSession();
        Tunnel bobs = aliceOnAAndBobOnB(session, "VIEW", 600)[1];

        commands.sendAndWait(new RecordSessionDisconnectedCommand(UUID.fromString(session), "gw-a", "BROWSER_CLOSED",
                1000, 10, 10, Instant.now()));
        JsonNode away = await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> ofKind(notices(bobs), "viewer"), list -> !list.isEmpty()).get(0);
        assertThat(away.get("cut").asText()).isEqualTo("SHARE_OWNER_ABSENT");

        assertThat(alice.delete("/api/sessions/" + session).status()).isLessThan(300);
        JsonNode ended = await().atMost(SOON).pollInterval(Duration.ofMillis(100))
                .until(() -> ofKind(notices(bobs), "viewer"), list -> list.size() == 1
                        && list.get(0).get("cut").asText().equals("SESSION_ENDED")).get(0);
        assertThat(ended.get("viewer").asText()).isEqualTo("bob");
    }
}
