package org.openvdi.broker.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.demand.DemandBucket;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.demand.RecordedRequest;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.host.HostQueries;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The demo history written into a whole running broker's store, as {@code ./vdi demo-history} does beside
 * {@code ./vdi up}: the broker's own processes run all along (its demand projection takes the history in); only the
 * history is shorter (two weeks of 40 employees). Then its demand history, forecast and a backtest, what the history
 * leaves behind, and the refusals: another store, a store without the demo seed, a second run.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=demo-history")
class DemoHistoryTest {

    @LocalServerPort
    int port;
    @Autowired
    DemoHistory history;
    @Autowired
    DemandQueries demand;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    HostQueries hosts;
    @Autowired
    DesktopQueries desktops;

    String dataDirectory() {
        return jdbc.sql("SHOW data_directory").query(String.class).single();
    }

    DemoHistoryProperties settings(String dataDirectory) {
        return new DemoHistoryProperties(dataDirectory, 2, null, 40, 3, 60, 7, 120);
    }

    @Test
    void givenAStoreInAnotherDataDirectory_whenWritten_thenRefused() {
        assertThatThrownBy(() -> history.write(settings("/var/lib/postgresql/15/main"), Instant::now))
                .isInstanceOf(DemoHistoryRefusedException.class).hasMessageContaining("not the demo's");
        assertThatThrownBy(() -> history.write(settings(null), Instant::now))
                .isInstanceOf(DemoHistoryRefusedException.class);
    }

    @Test
    void givenTheDemoStore_whenWritten_thenTheBrokerShowsItsDemandForecastAndBacktest_andASecondRunIsRefused() {
        AdminScenario scenario = new AdminScenario(port);
        ApiClient admin = scenario.admin();
        if (!hosts.nameTaken(DemoSetup.HOST)) {
            assertThatThrownBy(() -> history.write(settings(dataDirectory()), Instant::now))
                    .isInstanceOf(DemoHistoryRefusedException.class).hasMessageContaining("no demo seed");
            scenario.host(DemoSetup.HOST, "test:///default", 2);
            scenario.pool(DemoSetup.POOL, scenario.template("Tiny desktop " + UUID.randomUUID()), "FLOATING",
                    "KEEP_RUNNING", 0, 2, "alice");
        }

        DemoHistory.Report report = history.write(settings(dataDirectory()), Instant::now);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(report.end()).isEqualTo(today);
        assertThat(report.firstDay()).isEqualTo(today.minusWeeks(2));
        assertThat(report.sessions()).isBetween(380, 600);
        assertThat(report.warmHits() + report.coldStarts()).isEqualTo(report.sessions());
        assertThat(report.events()).isGreaterThan(10L * report.sessions());
        assertThat(report.forecast()).isTrue();

        Instant from = report.firstDay().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<RecordedRequest> requests = demand.requests(report.poolId(), from, to);
        assertThat(requests).hasSize(report.sessions()).allSatisfy(r -> {
            assertThat(r.endedAt()).isNotNull().isBefore(to);
            assertThat(r.requestedAt()).isAfterOrEqualTo(from);
        });
        assertThat(requests.stream().filter(r -> Boolean.TRUE.equals(r.warm())).count()).isEqualTo(report.warmHits());
        assertThat(demand.leadTimes(report.poolId(), from, to)).hasSize(report.provisionings());

        // the morning storm of the first full weekday, from the five-minute buckets
        LocalDate weekday = report.firstDay();
        while (weekday.getDayOfWeek().getValue() > 5 || weekday.equals(report.holiday())) {
            weekday = weekday.plusDays(1);
        }
        Instant dayStart = weekday.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<DemandBucket> day = demand.buckets(report.poolId(), dayStart, dayStart.plusSeconds(86_400), Instant.now());
        int dayRequests = day.stream().mapToInt(DemandBucket::requests).sum();
        int storm = day.stream().filter(b -> !b.start().isBefore(dayStart.plusSeconds(8 * 3600))
                && b.start().isBefore(dayStart.plusSeconds(9 * 3600 + 1800))).mapToInt(DemandBucket::requests).sum();
        assertThat(dayRequests).isGreaterThan(30);
        assertThat(storm).isGreaterThan(dayRequests / 2);
        assertThat(day.stream().mapToInt(DemandBucket::sessions).max().orElse(0)).isGreaterThan(25);

        JsonNode forecast = admin.get("/api/pools/" + report.poolId() + "/forecast").json();
        assertThat(forecast.toString()).contains("HOLT_WINTERS");

        ApiClient.Answer backtest = admin.post("/api/pools/" + report.poolId() + "/backtests", """
                {"from": "%s", "to": "%s", "policies": [{"type": "STATIC", "spares": 3}, {"type": "STATIC", "spares": 8},
                 {"type": "PREDICTIVE", "safetyMargin": 0.2}]}""".formatted(to.minusSeconds(7 * 86_400), to));
        assertThat(backtest.status()).as(backtest.body()).isEqualTo(200);
        JsonNode results = backtest.json().path("results");
        assertThat(results).hasSize(3);
        int weekRequests = demand.requests(report.poolId(), to.minusSeconds(7 * 86_400), to).size();
        assertThat(results.get(0).path("requests").asInt()).isEqualTo(weekRequests);
        assertThat(results.get(1).path("warmHitRate").asDouble()).isGreaterThan(results.get(0).path("warmHitRate").asDouble());

        // finished: nothing left running, the hosts take no new desktops, the policy only shows what it would do
        JsonNode pool = admin.get("/api/pools/" + report.poolId()).json();
        assertThat(pool.path("sparePolicy").path("type").asText()).isEqualTo("PREDICTIVE");
        assertThat(pool.path("sparePolicy").path("forecastOnly").asBoolean()).isTrue();
        assertThat(desktops.all(report.poolId(), false)).isEmpty();
        assertThat(desktops.all(report.poolId(), true)).hasSize(report.provisionings());
        JsonNode hostList = admin.get("/api/hosts").json();
        int cordoned = 0;
        for (JsonNode host : hostList) {
            if (host.path("name").asText().startsWith("office-history-")) {
                assertThat(host.path("cordoned").asBoolean()).as(host.toString()).isTrue();
                cordoned++;
            }
        }
        assertThat(cordoned).isEqualTo(2);

        assertThatThrownBy(() -> history.write(settings(dataDirectory()), Instant::now))
                .isInstanceOf(DemoHistoryRefusedException.class).hasMessageContaining("already");
    }
}
