package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
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
 * An admin's recycle, power-off and power-on of desktops through the API of a whole broker (libvirt's test driver
 * as its host): each is an event naming the admin, a desktop in use is refused naming its session, a persistent one
 * is recycled only with force; only admins may, never from another site; hostile input answers a 4xx problem and
 * changes nothing; fifty identical requests at once record one event.
 */
@BrokerTest
class DesktopActionsApiTest {

    static final Duration SOON = Duration.ofSeconds(60);
    static final List<String> ACTIONS = List.of("recycle", "power-off", "power-on");

    @LocalServerPort
    int port;

    AdminScenario scenario;
    ApiClient admin;
    ApiClient alice;
    String template;

    @BeforeEach
    void hostAndTemplate() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        alice = new ApiClient(port, "alice", "demo");
        if (admin.get("/api/hosts").json().isEmpty()) {
            scenario.host("desktop-actions-host", "test:///default", 50);
        }
        template = scenario.template("da-" + UUID.randomUUID());
    }

    static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    String readySpare(String pool) {
        return await().atMost(SOON).until(() -> scenario.inState(pool, "READY"), l -> !l.isEmpty()).get(0);
    }

    String floatingSpare() {
        return readySpare(scenario.pool("da-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 1, 3, "alice"));
    }

    String state(String desktop) {
        return scenario.desktop(desktop).get("state").asText();
    }

    /** A persistent desktop of alice's, released and still running, and the session she had on it. */
    String[] alicesPersistentDesktop() {
        String pool = scenario.pool("da-" + UUID.randomUUID(), template, "PERSISTENT", "KEEP_RUNNING", 0, 2, "alice");
        Answer requested = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String session = requested.json().get("id").asText();
        JsonNode ready = await().atMost(SOON).until(() -> alice.get("/api/sessions/" + session).json(),
                s -> s.get("state").asText().equals("READY"));
        return new String[] {ready.get("desktopId").asText(), session};
    }

    @Test
    void givenAFloatingSpare_whenAnAdminRecyclesIt_thenItIsDestroyedByTheirNameAndThePoolProvisionsAFreshOne() {
        String pool = scenario.pool("da-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        String spare = readySpare(pool);

        Answer recycled = admin.post("/api/desktops/" + spare + "/recycle", "");

        assertThat(recycled.status()).as(recycled.body()).isEqualTo(202);
        assertThat(recycled.json().get("state").asText()).isEqualTo("RECYCLING");
        assertThat(scenario.events(spare, "DesktopRecycledEvent")).singleElement().satisfies(e -> {
            assertThat(e.at("/payload/by").asText()).isEqualTo("admin");
            assertThat(e.at("/payload/reason").asText()).isEqualTo("recycled by admin");
        });
        await().atMost(SOON).until(() -> state(spare).equals("DESTROYED"));
        await().atMost(SOON).until(() -> scenario.inState(pool, "READY"), l -> l.size() == 1 && !l.contains(spare));
        assertThat(admin.post("/api/desktops/" + spare + "/recycle", "").status()).isEqualTo(202);
        assertThat(scenario.events(spare, "DesktopRecycledEvent")).hasSize(1);
    }

    @Test
    void givenADesktopInUse_whenAnAdminRecyclesOrPowersItOff_then409NamesTheSessionAndNothingChanges() {
        String[] desktopAndSession = alicesPersistentDesktop();
        String desktop = desktopAndSession[0];

        for (String action : List.of("recycle?force=true", "power-off")) {
            Answer refused = admin.post("/api/desktops/" + desktop + "/" + action, "");
            assertProblem(refused, 409, "DESKTOP_IN_USE");
            assertThat(refused.json().get("detail").asText()).contains(desktopAndSession[1]).contains("alice");
        }
        assertThat(state(desktop)).isEqualTo("ASSIGNED");
        assertThat(scenario.eventTypes(desktop)).doesNotContain("DesktopRecycledEvent", "DesktopPoweredOffEvent");
    }

    @Test
    void givenAlicesPersistentDesktopIdle_whenAnAdminPowersItOffOnAndRecyclesIt_thenEachIsAnEventAndRecyclingNeedsForce() {
        String[] desktopAndSession = alicesPersistentDesktop();
        String desktop = desktopAndSession[0];
        assertThat(alice.delete("/api/sessions/" + desktopAndSession[1]).status()).isEqualTo(200);
        await().atMost(SOON).until(() -> state(desktop).equals("READY"));

        Answer off = admin.post("/api/desktops/" + desktop + "/power-off", "");
        assertThat(off.status()).as(off.body()).isEqualTo(202);
        assertThat(off.json().get("state").asText()).isEqualTo("POWERED_OFF");
        assertThat(admin.post("/api/desktops/" + desktop + "/power-off", "").status()).isEqualTo(202);
        assertThat(scenario.events(desktop, "DesktopPoweredOffEvent")).singleElement()
                .satisfies(e -> assertThat(e.at("/payload/by").asText()).isEqualTo("admin"));

        Answer on = admin.post("/api/desktops/" + desktop + "/power-on", "");
        assertThat(on.status()).as(on.body()).isEqualTo(202);
        assertThat(scenario.events(desktop, "DesktopPowerOnRequestedEvent")).singleElement()
                .satisfies(e -> assertThat(e.at("/payload/by").asText()).isEqualTo("admin"));
        await().atMost(SOON).until(() -> state(desktop).equals("READY"));
        assertThat(admin.post("/api/desktops/" + desktop + "/power-on", "").status()).isEqualTo(202);
        assertThat(scenario.events(desktop, "DesktopPowerOnRequestedEvent")).hasSize(1);

        Answer refused = admin.post("/api/desktops/" + desktop + "/recycle", "");
        assertProblem(refused, 409, "DESKTOP_PERSISTENT");
        assertThat(refused.json().get("detail").asText()).contains("alice").contains("force=true");
        Answer forced = admin.post("/api/desktops/" + desktop + "/recycle?force=true", "");
        assertThat(forced.status()).as(forced.body()).isEqualTo(202);
        await().atMost(SOON).until(() -> state(desktop).equals("DESTROYED"));
        assertProblem(admin.post("/api/desktops/" + desktop + "/power-on", ""), 409, "ILLEGAL_STATE");
    }

    @Test
    void givenAFloatingSpare_whenAnAdminPowersItOff_then409SaysToRecycleIt() {
        String spare = floatingSpare();

        Answer refused = admin.post("/api/desktops/" + spare + "/power-off", "");

        assertProblem(refused, 409, "ILLEGAL_STATE");
        assertThat(refused.json().get("detail").asText()).contains("recycle");
        assertThat(state(spare)).isEqualTo("READY");
    }

    @Test
    void givenEveryRoleAnonymousAndAnotherSite_whenActingOnADesktop_thenOnlyAdminsFromTheBrokersOwnPagesMay() {
        String spare = floatingSpare();
        for (String action : ACTIONS) {
            String path = "/api/desktops/" + spare + "/" + action;
            for (String user : List.of("alice", "bob", "audrey")) {
                assertProblem(new ApiClient(port, user, "demo").post(path, ""), 403, "FORBIDDEN");
            }
            assertProblem(new ApiClient(port, null, null).post(path, ""), 401, "UNAUTHENTICATED");
            WebClient browser = new WebClient(port);
            Map<String, String> evil = Map.of("Authorization", WebClient.basic("admin", "demo"), "Origin",
                    "http://evil.example", "Sec-Fetch-Site", "cross-site");
            assertThat(browser.send("POST", path, evil, null, null).status()).isEqualTo(403);
            assertThat(browser.send("POST", path, evil, "text/plain", "x").status()).isIn(403, 415);
            assertThat(new WebClient(port).signIn("admin", "demo").send("POST", path, Map.of(), null, null).status())
                    .isEqualTo(403);
        }
        assertThat(state(spare)).isEqualTo("READY");
        assertThat(scenario.eventTypes(spare)).doesNotContain("DesktopRecycledEvent");
    }

    @Test
    void givenHostileIdsAndParameters_whenActingOnADesktop_thenEachIsA4xxProblemAndNothingChanges() {
        for (String action : ACTIONS) {
            for (String id : List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AEdcba", "%00",
                    "1%3BDROP%20TABLE%20desktop_view", "x".repeat(5000), "%3Cscript%3E")) {
                Answer answer = admin.post("/api/desktops/" + id + "/" + action, "");
                assertThat(answer.status()).as(id + ": " + answer.body()).isBetween(400, 499);
                assertThat(answer.contentType()).startsWith("application/problem+json");
            }
            assertProblem(admin.post("/api/desktops/" + UUID.randomUUID() + "/" + action, ""), 404, "DESKTOP_NOT_FOUND");
        }
        String spare = floatingSpare();
        for (String force : List.of("maybe", "%00", "1%3B", "%E2%80%AE", "t".repeat(3000))) {
            assertProblem(admin.post("/api/desktops/" + spare + "/recycle?force=" + force, ""), 400, "VALIDATION_FAILED");
        }
        assertThat(admin.post("/api/desktops/" + spare + "/recycle", "x".repeat(2_000_000)).status()).isBetween(200, 499);
        assertThat(scenario.events(spare, "DesktopRecycledEvent").size()).isLessThanOrEqualTo(1);
    }

    @Test
    void givenFiftyIdenticalRequests_whenTheyRace_thenEachAnswers202AndOneEventIsRecorded() {
        String spare = floatingSpare();

        List<Integer> recycles = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo")
                .post("/api/desktops/" + spare + "/recycle", "").status());

        assertThat(recycles).containsOnly(202);
        assertThat(scenario.events(spare, "DesktopRecycledEvent")).hasSize(1);

        String[] desktopAndSession = alicesPersistentDesktop();
        String desktop = desktopAndSession[0];
        assertThat(alice.delete("/api/sessions/" + desktopAndSession[1]).status()).isEqualTo(200);
        await().atMost(SOON).until(() -> state(desktop).equals("READY"));
        List<Integer> offs = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo")
                .post("/api/desktops/" + desktop + "/power-off", "").status());
        assertThat(offs).containsOnly(202);
        assertThat(scenario.events(desktop, "DesktopPoweredOffEvent")).hasSize(1);
        List<Integer> ons = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo")
                .post("/api/desktops/" + desktop + "/power-on", "").status());
        assertThat(ons).containsOnly(202);
        assertThat(scenario.events(desktop, "DesktopPowerOnRequestedEvent")).hasSize(1);
    }
}
