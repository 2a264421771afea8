package org.openvdi.broker.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.demand.DemandEvents;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.forecast.Forecasts;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.spare.DemandOutlook;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The forecast and backtest endpoints on a whole broker: a pool made through the API, three days of its demand as
 * real serialized events in the store (kept by the real demand projection), then what each role may do, hostile
 * input, 50 callers at once, and requests from another site.
 */
@BrokerTest
// these tests append events to the store directly, past the subscribing read models: a broker of their own
@TestPropertySource(properties = "openvdi.test.scenario=demand")
class ForecastAndBacktestApiTest {

    @LocalServerPort
    int port;
    @Autowired
    EventStorageEngine storage;
    @Autowired
    DemandQueries demand;
    @Autowired
    Forecasts forecasts;
    @Autowired
    DemandOutlook outlook;
    @Autowired
    JdbcClient jdbc;
    ApiClient admin;
    String pool;
    String emptyPool;
    Instant now;

    @BeforeEach
    void threeDaysOfDemand() {
        AdminScenario scenario = new AdminScenario(port);
        admin = scenario.admin();
        String template = scenario.template("t-" + UUID.randomUUID());
        pool = scenario.pool("demand-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 40, "alice");
        emptyPool = scenario.pool("quiet-" + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 5, "alice");
        now = Instant.now();
        DemandEvents history = new DemandEvents(storage, UUID.fromString(pool));
        Instant start = DemandForecast.hourOf(now).minus(Duration.ofHours(72));
        int requests = 0;
        for (Instant hour = start; hour.isBefore(now.minus(Duration.ofHours(1))); hour = hour.plus(Duration.ofHours(1))) {
            int count = hour.atZone(java.time.ZoneOffset.UTC).getHour() % 24 >= 8
                    && hour.atZone(java.time.ZoneOffset.UTC).getHour() < 11 ? 4 : 1;
            for (int i = 0; i < count; i++) {
                Instant at = hour.plus(Duration.ofMinutes(5L + 12L * i));
                UUID desktop = history.provision(at.minus(Duration.ofMinutes(10)), at.minus(Duration.ofMinutes(7)));
                UUID session = history.request("alice", at);
                history.assign(session, desktop, "alice", at.plusSeconds(1));
                history.end(session, desktop, "alice", at.plus(Duration.ofMinutes(30)));
                requests++;
            }
        }
        history.append();
        int expected = requests;
        await().atMost(Duration.ofSeconds(60)).until(() -> demand.requests(UUID.fromString(pool), start, now).stream()
                .filter(r -> r.endedAt() != null).count() == expected);
    }

    @Test
    void givenThreeDaysOfHistory_whenAdminAndAuditorAskForTheForecast_thenBothModelsForecast48Hours() {
        for (String user : List.of("admin", "audrey")) {
            Answer answer = new ApiClient(port, user, "demo").get("/api/pools/" + pool + "/forecast");

            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode view = answer.json();
            assertThat(view.path("status").asText()).isEqualTo("READY");
            assertThat(view.path("historyHours").asInt()).isGreaterThanOrEqualTo(70);
            assertThat(view.path("models")).hasSize(2);
            assertThat(view.path("models")).allSatisfy(m -> assertThat(m.path("forecast")).hasSize(48));
            assertThat(view.path("models")).allSatisfy(m -> assertThat(m.path("intervals")).hasSize(4 * 48));
            assertThat(view.path("intervalMinutes").asInt()).isEqualTo(15);
            assertThat(view.path("actual")).hasSize(48);
        }
        double expected = outlook.expectedRequests(UUID.fromString(pool), now, Duration.ofHours(1));
        assertThat(expected).as("the live outlook from the stored forecast").isFinite().isNotNegative();
    }

    @Test
    void givenNoHistory_whenAskingForTheForecast_thenNotEnoughHistoryIsSaidPlainly() {
        JsonNode view = admin.get("/api/pools/" + emptyPool + "/forecast").json();

        assertThat(view.path("status").asText()).isEqualTo("NOT_ENOUGH_HISTORY");
        assertThat(view.path("detail").asText()).contains("24 hours");
        assertThat(view.path("models")).isEmpty();
        assertThat(Double.isNaN(outlook.expectedRequests(UUID.fromString(emptyPool), now, Duration.ofMinutes(5)))).isTrue();
    }

    @Test
    void givenAForecastMadeADayAgo_whenScored_thenItsAccuracyIsRecordedAndShown() {
        forecasts.refresh(UUID.fromString(pool), now.minus(Duration.ofHours(30)));
        forecasts.score(now);

        JsonNode models = admin.get("/api/pools/" + pool + "/forecast").json().path("models");

        assertThat(models).allSatisfy(m -> {
            assertThat(m.path("recentMae").isNumber()).as(m.toString()).isTrue();
            assertThat(m.path("recentSmape").asDouble()).isBetween(0.0, 200.0);
            assertThat(m.path("earlier")).hasSize(48);
        });
        assertThat(jdbc.sql("SELECT min(scored_intervals) FROM forecast_run WHERE pool_id = ? AND issued_at < ?")
                .params(UUID.fromString(pool), utc(now.minus(Duration.ofHours(29)))).query(Integer.class).single())
                .as("quarter hours").isBetween(4 * 29, 4 * 31);
    }

    @Test
    void givenOtherRoles_whenAskingForForecastsOrBacktests_thenEmployeesForbiddenAnonymousUnauthenticated() {
        String backtest = body(List.of(Map.of("type", "STATIC", "spares", 1)));
        for (String user : List.of("alice", "bob")) {
            ApiClient employee = new ApiClient(port, user, "demo");
            assertProblem(employee.get("/api/pools/" + pool + "/forecast"), 403, "FORBIDDEN");
            assertProblem(employee.post("/api/pools/" + pool + "/backtests", backtest), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, "audrey", "demo").post("/api/pools/" + pool + "/backtests", backtest), 403, "FORBIDDEN");
        ApiClient anonymous = new ApiClient(port, null, null);
        assertProblem(anonymous.get("/api/pools/" + pool + "/forecast"), 401, "UNAUTHENTICATED");
        assertProblem(anonymous.post("/api/pools/" + pool + "/backtests", backtest), 401, "UNAUTHENTICATED");
        assertProblem(admin.get("/api/pools/" + UUID.randomUUID() + "/forecast"), 404, "POOL_NOT_FOUND");
        assertProblem(admin.post("/api/pools/" + UUID.randomUUID() + "/backtests", backtest), 404, "POOL_NOT_FOUND");
    }

    @Test
    void givenAdmin_whenBacktestingStaticScheduleAndPredictive_thenEachPolicyHasItsFigures() {
        Answer answer = admin.post("/api/pools/" + pool + "/backtests", body(List.of(
                Map.of("type", "STATIC", "spares", 0), Map.of("type", "STATIC", "spares", 4),
                Map.of("type", "SCHEDULE", "zone", "Europe/Zurich", "otherwise", 1, "windows", List.of(Map.of(
                        "days", List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"),
                        "from", "08:00", "to", "11:00", "spares", 4))),
                Map.of("type", "PREDICTIVE", "safetyMargin", 0.5, "minSpare", 0, "maxSpare", 10, "label", "predictive"))));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode report = answer.json();
        assertThat(report.path("requests").asInt()).isPositive();
        assertThat(report.path("leadTimeP50Seconds").asDouble()).isEqualTo(180.0);
        JsonNode results = report.path("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).path("label").asText()).isEqualTo("STATIC 0");
        assertThat(results.get(0).path("warmHitRate").asDouble()).isZero();
        assertThat(results.get(0).path("idleSpareHours").asDouble()).isZero();
        assertThat(results.get(1).path("warmHitRate").asDouble()).isGreaterThan(0.9);
        assertThat(results.get(1).path("idleSpareHours").asDouble()).isPositive();
        assertThat(results.get(3).path("label").asText()).isEqualTo("predictive");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.path("provisionings").asInt()).isPositive();
            assertThat(r.path("peakDesktops").asInt()).isBetween(1, 40);
            assertThat(r.path("waitP95Seconds").asDouble()).isGreaterThanOrEqualTo(r.path("waitP50Seconds").asDouble());
        });
    }

    @Test
    void givenHostileBacktestRequests_whenPosted_thenEachIsA400ProblemAndNothingBreaks() {
        String path = "/api/pools/" + pool + "/backtests";
        Map<String, Object> one = Map.of("type", "STATIC", "spares", 1);
        List<Map<String, Object>> thirteen = Collections.nCopies(13, one);
        Instant to = Instant.now();
        List<String> bodies = new ArrayList<>(List.of(
                admin.write(Map.of("from", to.toString(), "to", to.minus(Duration.ofHours(1)).toString(), "policies", List.of(one))),
                admin.write(Map.of("from", to.minus(Duration.ofDays(57)).toString(), "to", to.toString(), "policies", List.of(one))),
                admin.write(Map.of("from", "-999999999-01-01T00:00:00Z", "to", to.toString(), "policies", List.of(one))),
                admin.write(Map.of("from", to.minus(Duration.ofDays(1)).toString(), "to", to.toString(), "policies", thirteen)),
                admin.write(Map.of("from", to.minus(Duration.ofDays(1)).toString(), "to", to.toString(), "policies", List.of())),
                body(List.of(Map.of("type", "STATIC"))),
                body(List.of(Map.of("type", "STATIC", "spares", -1))),
                body(List.of(Map.of("type", "STATIC", "spares", 2_000_000_000))),
                body(List.of(Map.of("type", "NONE", "spares", 1))),
                body(List.of(Map.of("type", "STATIC", "spares", 1, "label", "a\u202Eb"))),
                body(List.of(Map.of("type", "STATIC", "spares", 1, "label", "a\u0000b"))),
                body(List.of(Map.of("type", "STATIC", "spares", 1, "label", "x".repeat(61)))),
                body(List.of(Map.of("type", "SCHEDULE", "zone", "../../etc/passwd", "windows", List.of()))),
                body(List.of(Map.of("type", "SCHEDULE", "zone", "UTC", "windows", List.of(Map.of("days", List.of("MONDAY"),
                        "from", "08:00", "to", "08:00", "spares", 1))))),
                body(List.of(Map.of("type", "SCHEDULE", "zone", "UTC", "windows", List.of(Map.of("days", List.of(),
                        "from", "08:00", "to", "09:00", "spares", 1))))),
                body(List.of(Map.of("type", "PREDICTIVE", "safetyMargin", 11, "minSpare", 0, "maxSpare", 5))),
                body(List.of(Map.of("type", "PREDICTIVE", "safetyMargin", 0.1, "minSpare", 5, "maxSpare", 1))),
                body(List.of(Map.of("type", "STATIC", "spares", 1, "surprise", "field"))),
                "{\"from\": ", "[]", "{\"from\": \"yesterday\", \"to\": \"today\", \"policies\": []}",
                "{\"from\": \"2025-01-01T00:00:00Z; DROP TABLE demand_request\", \"to\": \"2025-01-02T00:00:00Z\"}"));

        for (String body : bodies) {
            Answer answer = admin.post(path, body);
            assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(admin.post("/api/pools/not-a-uuid/backtests", body(List.of(one))).status()).isEqualTo(400);
        assertThat(admin.get("/api/pools/..%2F..%2Fetc/forecast").status()).isLessThan(500).isNotEqualTo(200);
        Answer huge = admin.post(path, "{\"from\": \"" + "9".repeat(3_000_000) + "\"}");
        assertThat(huge.status()).isIn(400, 413);
        assertThat(admin.post(path, body(List.of(one))).status()).as("still answers").isEqualTo(200);
    }

    @Test
    void givenFiftyCallersAtOnce_whenForecastingAndBacktesting_thenOneForecastPerHourAndBusyBacktestsAre429() {
        List<Answer> reads = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo").get("/api/pools/" + pool + "/forecast"));
        assertThat(reads).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
        assertThat(jdbc.sql("SELECT count(*) FROM forecast_run WHERE pool_id = ? AND issued_at = ?")
                .params(UUID.fromString(pool), utc(Instant.parse(reads.get(0).json().path("issuedAt").asText())))
                .query(Long.class).single()).isEqualTo(2);

        String backtest = body(List.of(Map.of("type", "STATIC", "spares", 1), Map.of("type", "PREDICTIVE",
                "safetyMargin", 0.2, "minSpare", 0, "maxSpare", 5)));
        List<Answer> runs = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo")
                .post("/api/pools/" + pool + "/backtests", backtest));
        assertThat(runs).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(200, 429));
        assertThat(runs).anySatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(runs.stream().filter(a -> a.status() == 200).map(a -> a.json().path("results").toString()).distinct())
                .as("the same backtest gives the same answer").hasSize(1);
        runs.stream().filter(a -> a.status() == 429).forEach(a -> assertThat(a.code()).isEqualTo("RATE_LIMITED"));
        List<String> ids = runs.stream().filter(a -> a.status() == 200).map(a -> a.json().path("id").asText()).toList();
        assertThat(ids).as("each run recorded once, under its own id").doesNotHaveDuplicates();
        List<Answer> lists = Concurrently.run(50, () -> new ApiClient(port, "audrey", "demo")
                .get("/api/pools/" + pool + "/backtests?limit=100"));
        assertThat(lists).allSatisfy(a -> {
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            List<String> listed = new ArrayList<>();
            a.json().forEach(r -> listed.add(r.path("id").asText()));
            assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
        });
    }

    @Test
    void givenAnotherSite_whenItAsksTheBrowserToRunABacktest_thenRefused() {
        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site",
                "Authorization", WebClient.basic("admin", "demo"));
        assertThat(browser.send("POST", "/api/pools/" + pool + "/backtests", evil, "application/json",
                body(List.of(Map.of("type", "STATIC", "spares", 1)))).status()).isEqualTo(403);
        assertThat(admin.get("/api/pools/" + pool + "/backtests").json()).as("nothing recorded").isEmpty();
        WebClient signedIn = new WebClient(port).signIn("admin", "demo");
        assertThat(signedIn.send("GET", "/api/pools/" + pool + "/forecast", Map.of(), null, null).status())
                .as("the admin's own page reads").isEqualTo(200);
    }

    @Test
    void givenThreeBacktestsRun_whenListedAndFetched_thenNewestFirstInPagesAndEachAsItsPostAnswered() {
        String path = "/api/pools/" + pool + "/backtests";
        List<JsonNode> posted = new ArrayList<>();
        for (int spares : List.of(0, 1, 2)) {
            Answer answer = admin.post(path, body(List.of(Map.of("type", "STATIC", "spares", spares),
                    Map.of("type", "PREDICTIVE", "safetyMargin", 0.5, "minSpare", 1, "maxSpare", 9))));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            posted.add(answer.json());
        }
        assertThat(posted).allSatisfy(p -> {
            assertThat(p.path("id").asText()).isNotBlank();
            assertThat(p.path("requestedBy").asText()).isEqualTo("admin");
            assertThat(p.path("results").get(1).path("spec").path("type").asText()).isEqualTo("PREDICTIVE");
            assertThat(p.path("results").get(1).path("spec").path("minSpare").asInt()).isEqualTo(1);
        });

        WebClient.Answer first = new WebClient(port).send("GET", path + "?limit=2",
                Map.of("Authorization", WebClient.basic("audrey", "demo")), null, null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json()).hasSize(2);
        assertThat(first.json().get(0)).as("newest first, as POST answered").isEqualTo(posted.get(2));
        assertThat(first.json().get(1)).isEqualTo(posted.get(1));
        String link = first.headers().firstValue("Link").orElse(null);
        assertThat(link).as("a next page").isNotNull().endsWith("rel=\"next\"");
        Answer second = new ApiClient(port, "audrey", "demo").get(link.substring(1, link.indexOf('>')));
        assertThat(second.json()).hasSize(1);
        assertThat(second.json().get(0)).isEqualTo(posted.get(0));
        WebClient.Answer all = new WebClient(port).send("GET", path, Map.of("Authorization", WebClient.basic("admin", "demo")),
                null, null);
        assertThat(all.json()).hasSize(3);
        assertThat(all.headers().firstValue("Link").orElse(null)).as("no next page").isNull();

        String one = path + "/" + posted.get(1).path("id").asText();
        for (String user : List.of("admin", "audrey")) {
            Answer fetched = new ApiClient(port, user, "demo").get(one);
            assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
            assertThat(fetched.json()).isEqualTo(posted.get(1));
        }
        for (String user : List.of("alice", "bob")) {
            assertProblem(new ApiClient(port, user, "demo").get(path), 403, "FORBIDDEN");
            assertProblem(new ApiClient(port, user, "demo").get(one), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).get(path), 401, "UNAUTHENTICATED");
        assertProblem(new ApiClient(port, null, null).get(one), 401, "UNAUTHENTICATED");
        assertProblem(admin.get(path + "/" + UUID.randomUUID()), 404, "BACKTEST_NOT_FOUND");
        assertProblem(admin.get("/api/pools/" + emptyPool + "/backtests/" + posted.get(1).path("id").asText()), 404,
                "BACKTEST_NOT_FOUND");
        assertProblem(admin.get("/api/pools/" + UUID.randomUUID() + "/backtests"), 404, "POOL_NOT_FOUND");
        assertThat(admin.get("/api/pools/" + emptyPool + "/backtests").json()).as("another pool's are not listed").isEmpty();
    }

    @Test
    void givenHostileListingsOfBacktests_whenAsked_thenEachIsA400ProblemOrNotFound() {
        String path = "/api/pools/" + pool + "/backtests";
        for (String query : List.of("?limit=0", "?limit=101", "?limit=-1", "?limit=abc", "?limit=" + "9".repeat(40),
                "?beforeAt=yesterday&beforeId=" + UUID.randomUUID(), "?beforeAt=2026-01-01T00:00:00Z",
                "?beforeId=" + UUID.randomUUID(), "?beforeAt=2026-01-01T00:00:00Z&beforeId=..%2F..%2Fetc",
                "?beforeAt=2026-01-01T00:00:00Z%3B%20DROP%20TABLE%20backtest_run&beforeId=" + UUID.randomUUID())) {
            Answer answer = admin.get(path + query);
            assertThat(answer.status()).as(query + " -> " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        for (String id : List.of("not-a-uuid", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "%00", "x".repeat(5000))) {
            Answer answer = admin.get(path + "/" + id);
            assertThat(answer.status()).as(id).isBetween(400, 404);
        }
        assertThat(admin.get(path + "?limit=100&beforeAt=2999-01-01T00:00:00Z&beforeId=" + UUID.randomUUID()).status())
                .as("still answers").isEqualTo(200);
    }

    @Test
    void givenTheDemandHistory_whenRebuiltThroughTheApi_thenIdenticalForAdminsOnlyAndOneAtATime() {
        Answer rebuilt = admin.post("/api/admin/demand/rebuild", "");
        assertThat(rebuilt.status()).as(rebuilt.body()).isEqualTo(200);
        assertThat(rebuilt.json().path("identical").asBoolean()).as(rebuilt.body()).isTrue();
        assertThat(rebuilt.json().path("tables")).hasSize(4);

        for (String user : List.of("audrey", "alice", "bob")) {
            assertProblem(new ApiClient(port, user, "demo").post("/api/admin/demand/rebuild", ""), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).post("/api/admin/demand/rebuild", ""), 401, "UNAUTHENTICATED");
        List<Answer> racing = Concurrently.run(50, () -> new ApiClient(port, "admin", "demo").post("/api/admin/demand/rebuild", ""));
        assertThat(racing).allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(200, 409));
        racing.stream().filter(a -> a.status() == 409).forEach(a -> assertThat(a.code()).isEqualTo("ILLEGAL_STATE"));
        racing.stream().filter(a -> a.status() == 200)
                .forEach(a -> assertThat(a.json().path("identical").asBoolean()).as(a.body()).isTrue());
    }

    private String body(List<Map<String, Object>> policies) {
        Instant to = now;
        return admin.write(Map.of("from", to.minus(Duration.ofDays(3)).toString(), "to", to.toString(), "policies", policies));
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }
}
