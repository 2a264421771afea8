package org.openvdi.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;

/**
 * The logon storm: {@code bench.users} (1,000) distinct employees sign in once for an API token, then all ask for a
 * desktop of one floating pool at once, {@code bench.concurrency} (50) requests in flight, on libvirt test-driver
 * hosts with a ready spare for each of them. Reports sign-in and session requests separately: requests per second,
 * p50/p95 from request to READY with a connect URL, the load average and the broker's CPU per request; printed and
 * written to target/bench/storm.md. Checks that every request ended READY with a connect URL on a desktop of its own.
 * <p>
 * By default it starts the packaged broker itself (demo profile, Kafka off unless {@code bench.kafka=true}) with a
 * users file of the storm's employees, all with the demo password's bcrypt hash (cost 10), and JVM options from
 * {@code bench.broker-jvm-args} (a flight recording, for example). {@code bench.brokers=http://a:8080,http://b:8080}
 * targets running brokers instead (users spread round-robin; hosts and pool set up through the first): they need the
 * users file this bench writes ({@code --spring.config.additional-location}) and {@code target/test-images} among
 * their image directories. {@code bench.auth=basic} sends the password with every session request instead of a token.
 * <p>
 * When capacity runs out: {@code bench.host-uri=qemu:///system} (real guests of the tiny image, removed afterwards),
 * {@code bench.spares} ready spares (all users by default) and {@code bench.max-size} desktops at most. Then the
 * check is that every request gets a clear answer (READY, or FAILED / a 4xx or 503 with its code) and none hangs.
 */
class StormBench {

    private static final String DEMO_HASH = "{bcrypt}$2a$10$HAj6gSyVmaV1H3wIA2Fvy.1Mop33Ln1EW/6GK/zQwAQDoT8puGTGC";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a request waits for READY before it counts as unanswered. */
    private static final Duration WAIT_FOR_READY = Duration.ofSeconds(120);

    private final int users = Integer.getInteger("bench.users", 1000);
    private final int concurrency = Integer.getInteger("bench.concurrency", 50);
    private final String auth = System.getProperty("bench.auth", "bearer");
    private final String hostUri = System.getProperty("bench.host-uri", "test:///default");
    private final int spares = Integer.getInteger("bench.spares", users);
    private final int maxSize = Integer.getInteger("bench.max-size", users);
    private final String storagePool = "openvdi-storm-" + UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Path work = Path.of("target/bench/storm-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    private List<String> brokers;

    @Test
    void givenReadySpareForEachOfAThousandUsers_whenAllRequestAtOnce_thenReportRateAndTimeToReady() throws Exception {
        Path usersFile = usersFile();
        String external = System.getProperty("bench.brokers", "").trim();
        AppProcess broker = null;
        try {
            if (external.isEmpty()) {
                broker = broker(usersFile);
                broker.start(Duration.ofMinutes(10));
                brokers = List.of("http://localhost:" + broker.port());
            } else {
                brokers = Arrays.stream(external.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
            String pool = readyPool();
            AppProcess process = broker;
            java.util.function.LongSupplier cpu = () -> process == null ? -1 : process.handle()
                    .flatMap(h -> h.info().totalCpuDuration()).map(Duration::toMillis).orElse(-1L);

            String[] tokens = new String[users];
            StormBurst.Figures signIn = StormBurst.run("sign-in (POST /api/tokens, HTTP Basic, bcrypt)", users,
                    concurrency, i -> signIn(i, tokens), cpu);
            Set<String> desktops = ConcurrentHashMap.newKeySet();
            PostgresCost postgres = broker == null ? null : PostgresCost.of(work.resolve("data/postgres"));
            PostgresCost.Snapshot postgresBefore = postgres == null ? null : postgres.snapshot();
            java.time.Instant stormStart = java.time.Instant.now();
            StormBurst.Figures storm = StormBurst.run("session request to READY with connect URL (POST /api/sessions, "
                    + (auth.equals("basic") ? "HTTP Basic" : "Bearer token") + ")", users, concurrency,
                    i -> requestSession(i, pool, tokens, desktops), cpu);

            BenchDocument report = document(List.of(signIn, storm));
            // the window to read a flight recording of the broker for (jdk.jfr.consumer, by event start time)
            report.text("Session requests from " + stormStart + " to " + java.time.Instant.now() + ".");
            if (postgres != null) {
                report.text(PostgresCost.perRequest(postgresBefore, postgres.snapshot(), users));
            }
            report.publish("storm.md");
            assertThat(signIn.outcomes()).containsOnlyKeys("201");
            if (spares >= users && maxSize >= users) {
                assertThat(storm.outcomes().keySet()).allMatch(outcome -> outcome.startsWith("READY"));
                assertThat(desktops).as("a desktop of its own for every session").hasSize(users);
            } else {
                assertThat(storm.outcomes().keySet()).as("clear answers, none hangs").allMatch(outcome ->
                        outcome.startsWith("READY") || outcome.startsWith("FAILED ") || outcome.matches("(4\\d\\d|503) \\w+"));
                assertThat(desktops).as("no desktop twice").hasSize(storm.outcomes().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("READY")).mapToInt(Map.Entry::getValue).sum());
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
            if (hostUri.startsWith("qemu")) {
                org.openvdi.broker.Virsh.removeDesktopsAndPool(storagePool);
            }
        }
    }

    /** The storm's employees, storm-0001 and on, in group "storm", beside the admin; all with the demo password. */
    private Path usersFile() throws IOException {
        StringBuilder yaml = new StringBuilder("openvdi:\n  security:\n    users:\n      - name: admin\n        password: \""
                + DEMO_HASH + "\"\n        roles: [ADMIN]\n");
        for (int i = 0; i < users; i++) {
            yaml.append("      - name: ").append(userName(i)).append("\n        password: \"").append(DEMO_HASH)
                    .append("\"\n        roles: [EMPLOYEE]\n        groups: [storm]\n");
        }
        Files.createDirectories(work);
        Path file = Files.writeString(work.resolve("storm-users.yml"), yaml);
        Files.copy(file, Path.of("target/bench/storm-users.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static String userName(int i) {
        return String.format(Locale.ROOT, "storm-%04d", i + 1);
    }

    /** The packaged broker (from {@code bench.broker-jar-directory}, {@code target} by default). */
    private AppProcess broker(Path usersFile) throws Exception {
        Path jars = Path.of(System.getProperty("bench.broker-jar-directory", "target"));
        AppProcess broker = AppProcess.broker(jars, work, List.of("--spring.config.additional-location=file:" + usersFile,
                "--openvdi.images.directories=" + Path.of("target/test-images").toAbsolutePath(),
                "--openvdi.kafka.enabled=" + Boolean.getBoolean("bench.kafka"),
                // the statements a request costs (pg_stat_statements; a build without the setting ignores it)
                "--openvdi.embedded-postgres.statement-statistics=true",
                // the spares are set up before the storm, not measured: provision them with more workers
                "--openvdi.provisioning.workers=" + (hostUri.startsWith("qemu") ? 4 : 16)));
        Arrays.stream(System.getProperty("bench.broker-jvm-args", "").trim().split("\\s+"))
                .filter(option -> !option.isEmpty()).forEach(broker::jvmArg);
        return broker;
    }

    /** A test-driver host with room for every user, and a floating pool with a ready spare for each. */
    private String readyPool() throws Exception {
        String admin = basic("admin");
        boolean qemu = hostUri.startsWith("qemu");
        send("POST", "/api/hosts", admin, qemu
                ? Map.of("name", storagePool, "uri", hostUri, "virtType", "qemu", "maxDesktops", maxSize, "storagePool", storagePool)
                : Map.of("name", storagePool, "uri", hostUri, "virtType", "qemu", "maxDesktops", maxSize), 201);
        String template = send("POST", "/api/templates", admin, Map.of("name", storagePool, "vcpus", 1, "memoryMiB", 128),
                201).get("id").asText();
        Path image = qemu ? Files.copy(AppProcess.tinyImage(), Files.createDirectories(Path.of("target/test-images"))
                .resolve(storagePool + ".img")).toAbsolutePath() : AdminScenario.randomImage();
        send("POST", "/api/templates/" + template + "/versions", admin, Map.of("imagePath", image.toString()), 201);
        String pool = send("POST", "/api/pools", admin, Map.of("name", storagePool, "templateId", template, "type",
                "FLOATING", "powerPolicy", "KEEP_RUNNING", "minSpare", Math.min(spares, maxSize), "maxSize", maxSize,
                "entitledGroups", List.of("storm")), 201).get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (true) {
            int ready = 0;
            for (JsonNode desktop : send("GET", "/api/desktops?poolId=" + pool, admin, null, 200)) {
                ready += desktop.get("state").asText().equals("READY") ? 1 : 0;
            }
            if (ready == Math.min(spares, maxSize)) {
                return pool;
            }
            assertThat(System.nanoTime()).as("%d of %d spares ready", ready, Math.min(spares, maxSize)).isLessThan(deadline);
            Thread.sleep(2000);
        }
    }

    private StormBurst.Result signIn(int i, String[] tokens) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = http.send(request(i, "/api/tokens", basic(userName(i)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"storm\",\"ttl\":\"PT1H\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (answer.statusCode() == 201) {
            tokens[i] = JSON.readTree(answer.body()).get("token").asText();
        }
        return new StormBurst.Result(Integer.toString(answer.statusCode()), millis);
    }

    /** From the request to a READY session with its connect URL: in the answer itself, or by asking again. */
    private StormBurst.Result requestSession(int i, String pool, String[] tokens, Set<String> desktops) throws Exception {
        String authorization = auth.equals("basic") ? basic(userName(i)) : "Bearer " + tokens[i];
        long start = System.nanoTime();
        HttpResponse<String> answer = http.send(request(i, "/api/sessions", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("{\"poolId\":\"" + pool + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            return new StormBurst.Result(answer.statusCode() + " " + problemCode(answer.body()), elapsed(start));
        }
        JsonNode session = JSON.readTree(answer.body());
        String outcome = "READY with connect URL in the answer";
        while (session.get("state").asText().equals("REQUESTED") && elapsed(start) < WAIT_FOR_READY.toMillis()) {
            outcome = "READY with connect URL after polling";
            Thread.sleep(20);
            session = JSON.readTree(http.send(request(i, "/api/sessions/" + session.get("id").asText(), authorization)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        if (!session.get("state").asText().equals("READY")) {
            String reason = session.path("reason").asText("");
            return new StormBurst.Result(session.get("state").asText() + " " + reason.replaceAll(":.*", ""), elapsed(start));
        }
        if (!session.hasNonNull("connectUrl")) {
            HttpResponse<String> offer = http.send(request(i, "/api/sessions/" + session.get("id").asText() + "/connect",
                    authorization).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(offer.statusCode()).as(offer.body()).isEqualTo(200);
        }
        desktops.add(session.get("desktopId").asText());
        return new StormBurst.Result(outcome, elapsed(start));
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String problemCode(String body) {
        try {
            return JSON.readTree(body).path("code").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private HttpRequest.Builder request(int user, String path, String authorization) {
        return HttpRequest.newBuilder(URI.create(brokers.get(user % brokers.size()) + path))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60));
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode send(String method, String path, String authorization, Object body, int expected) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(brokers.get(0) + path))
                .header("Authorization", authorization).header("Content-Type", "application/json");
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(method + " " + path + ": " + answer.body()).isEqualTo(expected);
        return JSON.readTree(answer.body());
    }

    private BenchDocument document(List<StormBurst.Figures> bursts) {
        BenchDocument document = new BenchDocument("Logon storm benchmark").machine(MachineFacts.basics());
        document.setting(users + " distinct employees (bcrypt cost 10 password hashes), " + concurrency
                + " requests in flight (java.net.http, HTTP/1.1, a fixed pool of " + concurrency + " client threads)");
        document.setting(brokers.size() + " broker(s): " + String.join(", ", brokers) + (brokers.size() == 1
                && System.getProperty("bench.brokers", "").isBlank() ? " (started by the bench, embedded PostgreSQL, Kafka "
                + (Boolean.getBoolean("bench.kafka") ? "on" : "off") + ")" : ""));
        document.setting("one host " + hostUri + ", a floating pool with " + Math.min(spares, maxSize)
                + " ready spares (minSpare " + Math.min(spares, maxSize) + ", maxSize " + maxSize + ")");
        document.setting("broker jar from " + System.getProperty("bench.broker-jar-directory", "target")
                + "; broker JVM options: " + System.getProperty("bench.broker-jvm-args", "").trim());
        document.setting("the client runs on the same machine as the broker, and shares its CPUs");
        List<List<String>> rows = new ArrayList<>();
        for (StormBurst.Figures f : bursts) {
            rows.add(List.of(f.name(), Integer.toString(f.requests()), String.format(Locale.ROOT, "%.1f", f.wallSeconds()),
                    String.format(Locale.ROOT, "%.1f", f.perSecond()), Long.toString(f.latency().percentile(50)),
                    Long.toString(f.latency().percentile(95)), Long.toString(f.latency().max()),
                    Double.isNaN(f.cpuMillisPerRequest()) ? "" : String.format(Locale.ROOT, "%.1f", f.cpuMillisPerRequest()),
                    f.loadBefore() + " / " + f.loadAfter()));
        }
        document.table("Bursts", List.of("burst", "requests", "wall s", "requests/s", "p50 ms", "p95 ms", "max ms",
                "broker CPU ms/request", "load average before / after"), rows);
        StringBuilder outcomes = new StringBuilder("Outcomes:");
        bursts.forEach(f -> f.outcomes().forEach((outcome, n) -> outcomes.append("\n- ").append(f.name()).append(": ")
                .append(outcome).append(": ").append(n)));
        return document.text(outcomes.toString());
    }
}
