package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * One open session per user and pool, however many requests race for it: the claim on (pool, user) is written in
 * the same transaction as the session's first event, and given back when the session ends or fails.
 */
@BrokerTest
class OneOpenSessionTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionController controller;

    AdminScenario scenario;
    ApiClient alice;
    ApiClient bob;

    @BeforeEach
    void clients() {
        scenario = new AdminScenario(port);
        alice = new ApiClient(port, "alice", "demo");
        bob = new ApiClient(port, "bob", "demo");
    }

    String pool(int minSpare, int maxSize, String... users) throws IOException {
        scenario.host("one-open-" + UUID.randomUUID(), "test:///default", 20);
        String template = scenario.template("one-open-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        return scenario.pool("one-open-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", minSpare, maxSize, users);
    }

    static String request(String pool) {
        return "{\"poolId\":\"" + pool + "\"}";
    }

    List<JsonNode> openSessions(ApiClient user, String pool) {
        List<JsonNode> open = new ArrayList<>();
        user.get("/api/sessions").json().forEach(s -> {
            if (s.get("poolId").asText().equals(pool) && !List.of("ENDED", "FAILED").contains(s.get("state").asText())) {
                open.add(s);
            }
        });
        return open;
    }

    long sessionRequestedEvents(String pool, String user) {
        return jdbc.sql("""
                        SELECT count(*) FROM domainevententry
                        WHERE payloadtype = 'org.openvdi.broker.session.api.SessionRequestedEvent'
                          AND convert_from(payload, 'UTF8')::jsonb ->> 'poolId' = ?
                          AND convert_from(payload, 'UTF8')::jsonb ->> 'user' = ?""")
                .params(pool, user).query(Long.class).single();
    }

    @Test
    void givenNoOpenSession_whenFiftyRequestsRace_thenOneSessionWithOneDesktopAnswersThemAll() throws IOException {
        String pool = pool(0, 5, "alice");

        List<ApiClient.Answer> answers = Concurrently.run(50, () -> alice.post("/api/sessions", request(pool)));

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(202));
        List<String> ids = answers.stream().map(a -> a.json().get("id").asText()).distinct().toList();
        assertThat(ids).hasSize(1);
        String session = ids.get(0);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                alice.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        assertThat(openSessions(alice, pool)).extracting(s -> s.get("id").asText()).containsExactly(session);
        assertThat(sessionRequestedEvents(pool, "alice")).isEqualTo(1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> scenario.desktops(pool).size() == 1);
    }

    /**
     * The same race without HTTP in between: sign-in checks spread the HTTP requests out in time, so here all fifty
     * calls reach the controller together, signed in already.
     */
    @Test
    void givenNoOpenSession_whenFiftyCallsReachTheControllerTogether_thenOneSessionAnswersThemAll() throws IOException {
        String pool = pool(0, 5, "alice");
        Authentication signedIn = UsernamePasswordAuthenticationToken.authenticated("alice", null,
                List.of(new SimpleGrantedAuthority("ROLE_EMPLOYEE")));

        List<ResponseEntity<SessionView>> answers = Concurrently.run(50, () ->
                controller.request(new SessionController.RequestSessionRequest(UUID.fromString(pool)), signedIn));

        assertThat(answers).allSatisfy(a -> assertThat(a.getStatusCode().value()).isEqualTo(202));
        assertThat(answers.stream().map(a -> a.getBody().id()).distinct()).hasSize(1);
        assertThat(sessionRequestedEvents(pool, "alice")).isEqualTo(1);
        assertThat(openSessions(alice, pool)).hasSize(1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(60))
                .until(() -> scenario.desktops(pool).size() == 1);
    }

    @Test
    void givenEndedSession_whenRequestedAgain_thenANewSessionIsOpened() throws IOException {
        String pool = pool(0, 5, "alice");
        String first = alice.post("/api/sessions", request(pool)).json().get("id").asText();
        assertThat(alice.delete("/api/sessions/" + first).json().get("state").asText()).isEqualTo("ENDED");

        var again = alice.post("/api/sessions", request(pool));

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id").asText()).isNotEqualTo(first);
        assertThat(openSessions(alice, pool)).extracting(s -> s.get("id").asText())
                .containsExactly(again.json().get("id").asText());
    }

    @Test
    void givenFailedSession_whenRequestedAgain_thenTheFailureGaveItsClaimBack() throws IOException {
        String pool = pool(0, 1, "alice", "bob");
        String alices = alice.post("/api/sessions", request(pool)).json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                alice.get("/api/sessions/" + alices).json().get("state").asText().equals("READY"));
        var failed = bob.post("/api/sessions", request(pool));
        assertThat(failed.json().get("state").asText()).isEqualTo("FAILED");

        var again = bob.post("/api/sessions", request(pool));

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id").asText()).isNotEqualTo(failed.json().get("id").asText());
        assertThat(openSessions(bob, pool)).isEmpty();
        assertThat(jdbc.sql("SELECT session_id FROM open_session WHERE pool_id = ?").param(UUID.fromString(pool))
                .query(UUID.class).list()).containsExactly(UUID.fromString(alices));
    }

    @Test
    void givenOpenSessionOfAlice_whenBobRequests_thenBobGetsHisOwn() throws IOException {
        String pool = pool(0, 5, "alice", "bob");
        String alices = alice.post("/api/sessions", request(pool)).json().get("id").asText();

        var bobs = bob.post("/api/sessions", request(pool));

        assertThat(bobs.status()).isEqualTo(202);
        assertThat(bobs.json().get("id").asText()).isNotEqualTo(alices);
        assertThat(scenario.admin().get("/api/sessions?all=true").status()).isEqualTo(200);
        assertThat(Map.of("alice", openSessions(alice, pool).size(), "bob", openSessions(bob, pool).size()))
                .isEqualTo(Map.of("alice", 1, "bob", 1));
    }
}
