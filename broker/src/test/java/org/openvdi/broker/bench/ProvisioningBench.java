package org.openvdi.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;

/**
 * Provisions a pool of desktops at once on qemu:///system (software emulation, the tiny image)
 * with the packaged broker and reports each step's time (clone, define, start, display ready) as
 * p50/p95 and the desktops ready per minute, printed and written to target/bench/provisioning.md.
 * Removes its VMs, volumes and storage pool. Runs only with {@code -Pbench} ({@code ./vdi bench}).
 * Sizes: {@code -Dbench.desktops} (20), {@code -Dbench.workers} (the broker's default, 4).
 */
class ProvisioningBench {

    private static final List<String> STEPS = List.of("clone", "define", "start", "display");
    private static final Map<String, String> EVENT_OF_STEP = Map.of("clone", "DesktopVolumeClonedEvent",
            "define", "DesktopDomainDefinedEvent", "start", "DesktopStartedEvent", "display", "DesktopBecameReadyEvent");
    private static final Pattern TIMER = Pattern.compile(
            "^openvdi_provisioning_step_seconds_(count|sum|max)\\{[^}]*step=\"(\\w+)\"[^}]*}\\s+(\\S+)$", Pattern.MULTILINE);

    private final int desktops = Integer.getInteger("bench.desktops", 20);
    private final int workers = Integer.getInteger("bench.workers", 4);
    private final String storagePool = "openvdi-bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/bench/run-" + storagePool).toAbsolutePath();

    @Test
    void givenPoolOfTwentySpares_whenProvisionedAtOnce_thenReportTimePerStepAndDesktopsPerMinute() throws Exception {
        assertThat(Virsh.reachable()).as("libvirtd at qemu:///system").isTrue();
        Path images = Files.createDirectories(work.resolve("images"));
        Path image = Files.copy(AppProcess.tinyImage(), images.resolve("tiny-desktop.img"));
        List<String> ids = new ArrayList<>();
        AppProcess broker = AppProcess.broker(work, List.of("--openvdi.images.directories=" + images,
                "--openvdi.kafka.enabled=false", "--openvdi.provisioning.workers=" + workers));
        try {
            broker.start();
            AdminScenario scenario = new AdminScenario(broker.port());
            scenario.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu", "maxDesktops", desktops,
                    "storagePool", storagePool));
            String template = scenario.template("tiny", image, 128);
            String pool = scenario.pool("bench", template, "FLOATING", "KEEP_RUNNING", desktops, desktops);
            await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                List<JsonNode> all = scenario.desktops(pool);
                all.stream().map(d -> d.get("id").asText()).filter(id -> !ids.contains(id)).forEach(ids::add);
                return all.stream().filter(d -> d.get("state").asText().equals("READY")).count() == desktops;
            });
            report(scenario, pool, broker.port()).document().publish("provisioning.md");
        } finally {
            broker.close();
            Virsh.removeDesktopsAndPool(ids, storagePool);
        }
    }

    private BenchReport report(AdminScenario scenario, String pool, int port) {
        BenchReport report = new BenchReport();
        report.setting(desktops + " desktops of a floating pool (minSpare " + desktops + ", maxSize " + desktops
                + ") on one host qemu:///system (maxDesktops " + desktops + "), provisioned from an empty pool at once");
        report.setting("tiny image (" + AppProcess.tinyImage().toFile().length() / (1024 * 1024)
                + " MiB raw, Linux + busybox), 1 vCPU and 128 MiB per desktop, linked qcow2 clones");
        report.setting(workers + " provisioning workers; \"display\" = until the VNC port answers the RFB handshake;"
                + " throughput = desktops / (first request to last ready)");
        Instant first = null;
        Instant last = null;
        for (JsonNode desktop : scenario.admin().get("/api/desktops?includeDestroyed=true&poolId=" + pool).json()) {
            if (desktop.hasNonNull("failureReason")) {
                report.failure(desktop.get("failureReason").asText());
            }
            if (!desktop.get("state").asText().equals("READY")) {
                continue;
            }
            String id = desktop.get("id").asText();
            Instant requested = Instant.parse(desktop.get("requestedAt").asText());
            Instant ready = Instant.parse(desktop.get("readyAt").asText());
            first = first == null || requested.isBefore(first) ? requested : first;
            last = last == null || ready.isAfter(last) ? ready : last;
            for (String step : STEPS) {
                scenario.events(id, EVENT_OF_STEP.get(step))
                        .forEach(e -> report.sample(step, e.get("payload").get("millis").asLong()));
            }
            report.sample("request to ready (end to end)", Duration.between(requested, ready).toMillis());
        }
        report.throughput(desktops, Duration.between(first, last).toMillis() / 1000.0);
        timers(new ApiClient(port, "admin", "demo").get("/actuator/prometheus").body(), report);
        report.machine(MachineFacts.basics());
        return report;
    }

    private static void timers(String prometheus, BenchReport report) {
        Map<String, double[]> values = new java.util.HashMap<>();
        Matcher matcher = TIMER.matcher(prometheus);
        while (matcher.find()) {
            double[] v = values.computeIfAbsent(matcher.group(2), key -> new double[3]);
            int slot = switch (matcher.group(1)) {
                case "count" -> 0;
                case "sum" -> 1;
                default -> 2;
            };
            v[slot] = Double.parseDouble(matcher.group(3));
        }
        values.forEach((step, v) -> report.timer(step, new BenchReport.Timer((long) v[0], v[1], v[2])));
    }
}
