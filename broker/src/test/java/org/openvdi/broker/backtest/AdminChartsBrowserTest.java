package org.openvdi.broker.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.logging.Level;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.demand.DemandEvents;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.e2e.HeadlessChromium;
import org.openvdi.broker.e2e.ConsolePage;
import org.openvdi.broker.forecast.DemandForecast;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The admin console's demand, forecast and backtest charts (Chart.js, a pool's Forecast tab) in headless Chromium against a real broker,
 * over three days of a pool's demand as real events: the demand and forecast charts are drawn, the admin runs the
 * backtest and gets a point per policy and a table row per policy; an auditor sees the charts without the run button.
 * No Content-Security-Policy violation and no uncaught script error is reported.
 */
@BrokerTest
// these tests append events to the store directly, past the subscribing read models: a broker of their own
@TestPropertySource(properties = "openvdi.test.scenario=demand")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminChartsBrowserTest {

    @LocalServerPort
    int port;
    @Autowired
    EventStorageEngine storage;
    @Autowired
    DemandQueries demand;
    String pool;
    ChromeDriver browser;

    @BeforeAll
    void poolWithThreeDaysOfDemand() throws Exception {
        AdminScenario scenario = new AdminScenario(port);
        String poolName = "Charts " + UUID.randomUUID();
        pool = scenario.pool(poolName, scenario.template("t-" + UUID.randomUUID()), "FLOATING", "KEEP_RUNNING", 0, 40,
                "alice");
        Instant now = Instant.now();
        DemandEvents history = new DemandEvents(storage, UUID.fromString(pool));
        Instant start = DemandForecast.hourOf(now).minus(Duration.ofHours(72));
        int requests = 0;
        for (Instant hour = start; hour.isBefore(now.minus(Duration.ofHours(1))); hour = hour.plus(Duration.ofHours(1))) {
            int h = hour.atZone(ZoneOffset.UTC).getHour();
            for (int i = 0; i < (h >= 8 && h < 11 ? 4 : 1); i++) {
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

    @BeforeAll
    void browser() throws Exception {
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAdmin_whenSheRunsTheBacktest_thenEveryPolicyIsAPointAndARow() throws Exception {
        open("admin");
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(script(
                "return !!window.Chart && !!Chart.getChart('demand-chart') && !!Chart.getChart('forecast-chart')")));
        await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) script(
                "return Chart.getChart('forecast-chart').data.datasets.length")).intValue() >= 3);

        browser.findElement(By.id("backtest-days")).clear();
        browser.findElement(By.id("backtest-days")).sendKeys("3");
        browser.findElement(By.id("backtest-run")).click();

        await().atMost(Duration.ofSeconds(60)).until(() -> browser.findElements(By.cssSelector("#backtest-results tr")).size() == 8);
        assertThat(((Number) script("return Chart.getChart('backtest-chart').data.datasets.length")).intValue()).isEqualTo(8);
        assertThat(browser.findElement(By.id("backtest-status")).getText()).contains("recorded requests");
        // the run is recorded and listed; showing it again draws the same rows
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.cssSelector("#backtest-earlier tr")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#backtest-earlier tr")).getText()).contains("admin");
        script("document.getElementById('backtest-results').replaceChildren();"
                + "document.getElementById('backtest-status').textContent = ''");
        browser.findElement(By.cssSelector("#backtest-earlier tr button.backtest-show")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#backtest-results tr")).size() == 8);
        assertThat(browser.findElement(By.id("backtest-status")).getText()).contains("run by admin");
        Files.createDirectories(Path.of("target/it/chromium"));
        Files.write(Path.of("target/it/chromium/demand-charts.png"), browser.getScreenshotAs(OutputType.BYTES));
        var logs = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(logs).as(logs.toString()).noneMatch(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()
                && (e.getMessage().contains("Content Security Policy") || e.getMessage().contains("Uncaught")));
    }

    @Test
    void givenAnAuditor_whenTheConsoleShowsTheCharts_thenNoRunButton() {
        open("audrey");
        await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(script(
                "return !!window.Chart && !!Chart.getChart('forecast-chart')")));

        assertThat(browser.findElement(By.id("backtest-run")).isDisplayed()).isFalse();
    }

    private void open(String user) {
        new ConsolePage(browser, port).signIn(user).open("pools/" + pool + "/forecast");
    }

    private Object script(String javascript) {
        return ((JavascriptExecutor) browser).executeScript(javascript);
    }
}
