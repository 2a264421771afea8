package org.openvdi.broker.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.RawAuthorization;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API tokens on a whole broker: who may hold one, what a token may do (its user's roles, never more, and never
 * issue another token), revocation and expiry, and what hostile headers, bodies, races and other sites get.
 */
@BrokerTest
class ApiTokenApiTest {

    private static final String JSON = "application/json";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private WebClient web;

    @BeforeEach
    void client() {
        web = new WebClient(port);
    }

    private Answer withPassword(String user, String method, String path, String body) {
        return web.send(method, path, Map.of("Authorization", WebClient.basic(user, "demo")), body == null ? null : JSON, body);
    }

    private Answer withToken(String token, String method, String path, String body) {
        return web.send(method, path, Map.of("Authorization", "Bearer " + token), body == null ? null : JSON, body);
    }

    private Answer issued(String user, String body) {
        Answer answer = withPassword(user, "POST", "/api/tokens", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer;
    }

    private String tokenOf(String user) {
        return issued(user, "{\"name\":\"script\",\"ttl\":\"PT2H\"}").json().path("token").asText();
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void givenEachRole_whenIssuingAToken_thenItWorksWithThatUsersRolesAndIsShownOnce() {
        for (String user : List.of("admin", "alice", "audrey")) {
            Answer answer = issued(user, "{\"name\":\"nightly report\",\"ttl\":\"PT2H\"}");
            String token = answer.json().path("token").asText();
            assertThat(token).matches("ovdi_[A-Za-z0-9_-]{43}");
            assertThat(answer.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
            assertThat(withToken(token, "GET", "/api/me", null).json().path("name").asText()).isEqualTo(user);
            assertThat(withToken(token, "GET", "/api/tokens", null).body()).doesNotContain(token).contains("nightly report");
        }
        String alices = tokenOf("alice");
        assertThat(withToken(alices, "GET", "/api/pools", null).status()).isEqualTo(200);
        assertProblem(withToken(alices, "GET", "/api/hosts", null), 403);
        assertProblem(withToken(alices, "POST", "/api/hosts", "{\"name\":\"x\",\"uri\":\"test:///default\"}"), 403);
        String admins = tokenOf("admin");
        assertThat(withToken(admins, "POST", "/api/hosts", "{\"name\":\"tok-" + UUID.randomUUID()
                + "\",\"uri\":\"test:///default\",\"virtType\":\"qemu\",\"maxDesktops\":1}").status()).isEqualTo(201);
    }

    @Test
    void givenAnonymousOrTheGateway_whenIssuing_thenRefused() {
        assertProblem(web.send("POST", "/api/tokens", Map.of(), JSON, "{}"), 401);
        assertProblem(web.send("POST", "/api/tokens", Map.of("Authorization", WebClient.basic("gateway",
                "test-gateway-secret")), JSON, "{}"), 403);
        assertProblem(web.send("GET", "/api/tokens", Map.of(), null, null), 401);
    }

    @Test
    void givenAToken_whenItTriesToIssueAnother_thenRefused() {
        assertProblem(withToken(tokenOf("alice"), "POST", "/api/tokens", "{}"), 403);
    }

    @Test
    void givenARevokedOrExpiredToken_whenUsed_thenUnauthenticated() {
        Answer alices = issued("alice", "{}");
        String token = alices.json().path("token").asText();
        String id = alices.json().path("id").asText();
        assertThat(withToken(token, "GET", "/api/me", null).status()).isEqualTo(200);

        assertProblem(withPassword("bob", "DELETE", "/api/tokens/" + id, null), 404);
        assertThat(withToken(token, "GET", "/api/me", null).status()).isEqualTo(200);
        assertThat(withPassword("alice", "DELETE", "/api/tokens/" + id, null).status()).isEqualTo(204);
        assertThat(withPassword("alice", "DELETE", "/api/tokens/" + id, null).status()).isEqualTo(204);
        assertProblem(withToken(token, "GET", "/api/me", null), 401);
        assertThat(withPassword("alice", "GET", "/api/tokens", null).json().findValues("id").stream()
                .filter(v -> v.asText().equals(id)).count()).isEqualTo(1);

        Answer another = issued("alice", "{\"ttl\":\"PT1M\"}");
        assertThat(withPassword("admin", "DELETE", "/api/tokens/" + another.json().path("id").asText(), null).status())
                .isEqualTo(204);
        assertProblem(withToken(another.json().path("token").asText(), "GET", "/api/me", null), 401);

        // time passes for a third token: its expiry, as the read model holds it, is moved into the past
        Answer third = issued("alice", "{\"ttl\":\"PT1M\"}");
        jdbc.sql("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = ?")
                .param(UUID.fromString(third.json().path("id").asText())).update();
        assertProblem(withToken(third.json().path("token").asText(), "GET", "/api/me", null), 401);
    }

    @Test
    void givenHostileTokensAndBodies_whenSent_thenProblemJsonNeverAServerError() throws IOException {
        for (String header : List.of("Bearer", "Bearer ", "Bearer ovdi_short", "Bearer " + "ovdi_" + "A".repeat(43),
                "Bearer ' OR 1=1 --", "Bearer ../../etc/passwd", "bearer " + "x".repeat(5000), "Bearer a b c")) {
            assertThat(rawGet(header)).as(header).isIn(400, 401);
        }
        assertThat(rawGet("Bearer ovdi_\u202e" + "A".repeat(42))).isIn(400, 401);
        assertThat(rawGet("Bearer ovdi_\u0001" + "A".repeat(42))).isIn(400, 401);
        for (String body : List.of("{\"ttl\":\"P1000D\"}", "{\"ttl\":\"-PT1H\"}", "{\"ttl\":\"PT0S\"}", "{\"ttl\":\"soon\"}",
                "{\"name\":\"evil\\u202e\"}", "{\"name\":\"bell\\u0007\"}", "{\"name\":\"" + "n".repeat(81) + "\"}",
                "{\"unknown\":1}", "{\"name\":", "[]", "{\"ttl\":[]}")) {
            Answer answer = withPassword("alice", "POST", "/api/tokens", body);
            assertProblem(answer, 400);
        }
        assertProblem(withPassword("alice", "DELETE", "/api/tokens/not-a-uuid", null), 400);
        assertProblem(withPassword("alice", "DELETE", "/api/tokens/" + UUID.randomUUID(), null), 404);
        assertProblem(withPassword("alice", "POST", "/api/tokens", "{\"name\":\"" + "x".repeat(2_000_000) + "\"}"), 413);
        assertProblem(web.send("POST", "/api/tokens", Map.of("Authorization", WebClient.basic("alice", "demo")),
                "text/plain", "{}"), 415);
    }

    private int rawGet(String authorization) throws IOException {
        return RawAuthorization.status(port, "127.0.0.1", authorization);
    }

    @Test
    void givenFiftyRacingRequests_whenIssuingAndRevoking_thenFiftyDistinctTokensAndOneRevocation() {
        List<Answer> issuedTogether = Concurrently.run(50, () -> withPassword("bob", "POST", "/api/tokens", "{}"));
        assertThat(issuedTogether).extracting(Answer::status).containsOnly(201);
        Set<String> tokens = new HashSet<>();
        issuedTogether.forEach(a -> tokens.add(a.json().path("token").asText()));
        assertThat(tokens).hasSize(50);
        assertThat(tokens).allSatisfy(t -> assertThat(withToken(t, "GET", "/api/me", null).status()).isEqualTo(200));

        String id = issuedTogether.get(0).json().path("id").asText();
        List<Answer> revokedTogether = Concurrently.run(50, () -> withPassword("bob", "DELETE", "/api/tokens/" + id, null));
        assertThat(revokedTogether).extracting(Answer::status).containsOnly(204);
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(id)
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void givenAnotherSite_whenItWritesWithTheUsersSessionOrAToken_thenRefused() {
        WebClient signedIn = new WebClient(port).signIn("alice", "demo");
        Answer fromElsewhere = signedIn.send("POST", "/api/tokens", Map.of("X-XSRF-TOKEN", signedIn.csrfToken(),
                "Origin", "http://attacker.example", "Sec-Fetch-Site", "cross-site"), JSON, "{}");
        assertProblem(fromElsewhere, 403);
        Answer noCsrf = signedIn.send("POST", "/api/tokens", Map.of(), JSON, "{}");
        assertProblem(noCsrf, 403);
        Answer own = signedIn.send("POST", "/api/tokens", Map.of("X-XSRF-TOKEN", signedIn.csrfToken()), JSON, "{}");
        assertThat(own.status()).as(own.body()).isEqualTo(201);

        String token = tokenOf("alice");
        assertProblem(web.send("DELETE", "/api/tokens/" + own.json().path("id").asText(), Map.of("Authorization",
                "Bearer " + token, "Origin", "http://attacker.example", "Sec-Fetch-Site", "cross-site"), null, null), 403);
    }
}
