package org.openvdi.broker.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;
import org.openvdi.broker.e2e.HeadlessChromium;
import org.openvdi.broker.e2e.PortalPage;

/**
 * Time from the click on Open in the portal to the guest's first frame in the desktop's tab, with the whole
 * product as separate processes ({@link ProductStack}) and headless Chromium: once with a READY spare waiting,
 * once without a spare (the click makes the broker clone, define and start a desktop). Prints p50 and max of
 * each milestone and writes them to target/bench/first-frame.md; what each tab showed when the clock stopped is
 * kept as a PNG in the bench's run directory under target/bench (numbered in order, the warm-up first). Runs only
 * with {@code -Pbench} ({@code ./vdi bench}). Runs per case: {@code -Dbench.first-frame.runs} (5).
 */
class FirstFrameBench {

    private static final Duration SPARE_SETTLE = Duration.ofSeconds(5);

    private final int runs = Integer.getInteger("bench.first-frame.runs", 5);
    private final String storagePool = "openvdi-bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/bench/run-" + storagePool).toAbsolutePath();

    @Test
    void givenASpareOrNone_whenAliceOpensADesktopFromThePortal_thenReportTheTimeToTheGuestsFirstFrame() throws Exception {
        Map<String, List<OpenTimeline>> cases = new LinkedHashMap<>();
        try (ProductStack stack = ProductStack.start(work, storagePool, 2)) {
            AdminScenario admin = stack.admin();
            String spare = admin.pool("One spare", stack.template(), "FLOATING", "KEEP_RUNNING", 1, 1, "alice");
            String none = admin.pool("No spare", stack.template(), "FLOATING", "KEEP_RUNNING", 0, 1, "alice");
            ChromeDriver browser = HeadlessChromium.start(work.resolve("chromium"));
            try {
                PortalPage portal = new PortalPage(browser, stack.brokerPort()).signIn("alice", "demo");
                DesktopOpening opening = new DesktopOpening(portal, stack.as("alice"), admin, work.resolve("screenshots"));
                opening.awaitSpare(spare, SPARE_SETTLE);
                opening.open(spare);
                List<OpenTimeline> withSpare = cases.computeIfAbsent("with a READY spare", key -> new ArrayList<>());
                for (int run = 0; run < runs; run++) {
                    opening.awaitSpare(spare, SPARE_SETTLE);
                    withSpare.add(opening.open(spare));
                }
                opening.awaitSpare(spare, SPARE_SETTLE);
                List<OpenTimeline> withoutSpare = cases.computeIfAbsent("no spare (clone + boot)", key -> new ArrayList<>());
                for (int run = 0; run < runs; run++) {
                    withoutSpare.add(opening.open(none));
                }
            } finally {
                browser.quit();
            }
        }
        document(cases).publish("first-frame.md");
    }

    private BenchDocument document(Map<String, List<OpenTimeline>> cases) {
        BenchDocument document = new BenchDocument("Time from Open to the first frame")
                .setting("the product as separate processes: broker (embedded PostgreSQL, in-process KRaft Kafka), gateway, "
                        + "guacd on 127.0.0.1:4822, one host qemu:///system; the tiny image, 1 vCPU and 256 MiB per desktop")
                .setting("alice signs in on the portal in headless Chromium and clicks Open; the clock stops when the "
                        + "desktop's tab is connected and its display canvas shows guest pixels (two colours or more); "
                        + "the tab is polled every " + DesktopOpening.POLL_MILLIS + " ms, and each look takes a few ms more")
                .setting("with a spare: floating pool, minSpare 1, maxSize 1, its spare READY for at least "
                        + SPARE_SETTLE.toSeconds() + " s; no spare: floating pool, minSpare 0, maxSize 1, so the click "
                        + "makes the broker clone, define and start a desktop and wait until its display answers")
                .setting(runs + " runs per case after one untimed warm-up opening; after each run alice closes the tab "
                        + "and logs off, and her desktop is destroyed before the next run")
                .setting("broker milestones from the session's events and the desktop's readyAt (same clock); while it "
                        + "waits for a desktop the portal asks for the session's state once a second")
                .machine(MachineFacts.basics()).machine(MachineFacts.guacd()).machine(MachineFacts.browser());
        List<String> columns = new ArrayList<>(List.of("ms after the click on Open"));
        cases.keySet().forEach(name -> columns.addAll(List.of(name + " p50", "max")));
        List<List<String>> rows = new ArrayList<>();
        for (OpenStep step : OpenStep.values()) {
            List<String> row = new ArrayList<>(List.of(step.label()));
            cases.values().forEach(timelines -> row.addAll(percentiles(timelines, step)));
            rows.add(row);
        }
        document.table("Milestones (n = " + runs + " per case)", columns, rows);
        List<String> runColumns = new ArrayList<>(List.of("case", "run"));
        List.of(OpenStep.values()).forEach(step -> runColumns.add(step.name().toLowerCase().replace('_', ' ')));
        List<List<String>> runRows = new ArrayList<>();
        cases.forEach((name, timelines) -> {
            for (int run = 0; run < timelines.size(); run++) {
                List<String> row = new ArrayList<>(List.of(name, Integer.toString(run + 1)));
                for (OpenStep step : OpenStep.values()) {
                    Long millis = timelines.get(run).at(step);
                    row.add(millis == null ? "–" : Long.toString(millis));
                }
                runRows.add(row);
            }
        });
        return document.table("Every run (ms after the click)", runColumns, runRows);
    }

    private static List<String> percentiles(List<OpenTimeline> timelines, OpenStep step) {
        Samples samples = new Samples();
        timelines.stream().map(timeline -> timeline.at(step)).filter(millis -> millis != null).forEach(samples::add);
        return samples.isEmpty() ? List.of("–", "–")
                : List.of(Long.toString(samples.percentile(50)), Long.toString(samples.max()));
    }
}
