package org.openvdi.broker.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.BrokerHttp;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The default per-user limits (20 session requests and 20 connect URLs a minute) on the demo broker. */
class UserRateLimitTest extends DemoBrokerTest {

    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    // before each test, and after: the next class on the shared demo broker (DemoBrokerTest) finds alice unlimited
    @BeforeEach
    @AfterEach
    void noCounts() {
        jdbc.sql("DELETE FROM limit_counter").update();
    }

    private long stored(String eventType) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE ?").param("%." + eventType)
                .query(Long.class).single();
    }

    private List<Reply> requestAndEnd(BrokerHttp user, UUID pool, int times) {
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Reply reply = user.post("/api/sessions", Map.of("poolId", pool));
            replies.add(reply);
            if (reply.status() == 202) {
                user.delete("/api/sessions/" + reply.body().path("id").asText());
            }
        }
        return replies;
    }

    @Test
    void givenAnEmployee_when25SessionRequestsInAMinute_thenThe21stAndLaterAre429AndRequestNoSession() throws Exception {
        UUID pool = demoPool();
        long requestedBefore = stored("SessionRequestedEvent");

        List<Reply> replies = requestAndEnd(as("alice"), pool, 25);

        assertThat(replies.subList(0, 20)).extracting(Reply::status).containsOnly(202);
        assertThat(replies.subList(20, 25)).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.code()).isEqualTo("RATE_LIMITED");
        });
        assertThat(stored("SessionRequestedEvent") - requestedBefore).isEqualTo(20);
        assertThat(retryAfter("alice", "/api/sessions", "{\"poolId\":\"" + pool + "\"}")).isBetween(1L, 60L);
        assertThat(as("bob").post("/api/sessions", Map.of("poolId", pool)).status()).as("bob counts apart").isEqualTo(202);
    }

    @Test
    void givenAReadySession_when25ConnectUrlsInAMinute_thenThe21stAndLaterAre429AndIssueNoToken() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        noCounts();
        long issuedBefore = eventsOfType(session, "ConnectionTokenIssuedEvent").size();

        List<Integer> statuses = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Reply reply = as("alice").post("/api/sessions/" + session + "/connect", null);
            statuses.add(reply.status());
            codes.add(reply.code());
        }

        assertThat(statuses.subList(0, 20)).containsOnly(200);
        assertThat(statuses.subList(20, 25)).containsOnly(429);
        assertThat(codes.subList(20, 25)).containsOnly("RATE_LIMITED");
        assertThat(eventsOfType(session, "ConnectionTokenIssuedEvent").size() - issuedBefore).isEqualTo(20);
    }

    @Test
    void givenEachRoleAndAnonymous_when25SessionRequests_thenOnlyThoseAllowedToAskAreLimited() {
        UUID pool = demoPool();
        long requestedBefore = stored("SessionRequestedEvent");

        List<Integer> admin = requestAndEnd(as("admin"), pool, 25).stream().map(Reply::status).toList();
        List<Integer> auditor = requestAndEnd(as("audrey"), pool, 25).stream().map(Reply::status).toList();
        List<Integer> gateway = requestAndEnd(gateway(), pool, 25).stream().map(Reply::status).toList();
        List<Integer> anonymous = requestAndEnd(http, pool, 25).stream().map(Reply::status).toList();

        assertThat(admin.subList(0, 20)).as("admin is not entitled to the demo pool, which it does not see").containsOnly(404);
        assertThat(admin.subList(20, 25)).containsOnly(429);
        assertThat(auditor).containsOnly(403);
        assertThat(gateway).containsOnly(403);
        assertThat(anonymous).as("refused before anything counts: no credentials").containsOnly(401);
        assertThat(stored("SessionRequestedEvent")).isEqualTo(requestedBefore);
    }

    private long retryAfter(String user, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(429);
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }
}
