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
 * p50/p95 from request to READY with a connect URL, the load average and the CPU per request of the brokers (all
 * their processes together) and of PostgreSQL; printed and written to target/bench/storm.md, one row per
 * configuration. Checks that every request ended READY with a connect URL on a desktop of its own, and, in the event
 * store, that no desktop was assigned twice.
 * <p>
 * Before the storm, a warm-up: {@code bench.warmup-users} (500; none on real guests) other employees per broker sign
 * in and request a desktop of a pool of their own, so the storm meets brokers that have compiled the request path, as
 * a broker that served yesterday's logons has. The warm-up's own figures (the brokers' first requests) are reported too.
 * <p>
 * The configurations, {@code bench.broker-count} (a comma-separated list, {@code embedded,3,1} by default), each on a
 * fresh database: {@code embedded} starts the packaged broker on its embedded PostgreSQL (as the product runs by
 * default); a number {@code N} starts an external PostgreSQL server from Debian's package and N broker processes on
 * it, each with its own port and node id, users spread round-robin over them ({@link StormCluster}). Kafka is off
 * unless {@code bench.kafka=true} (the broker's embedded Kafka, or with an external server an external Kafka). Every
 * broker gets a users file of the storm's employees, all with the demo password's bcrypt hash (cost 10), and JVM
 * options from {@code bench.broker-jvm-args} (a flight recording, for example).
 * {@code bench.brokers=http://a:8080,http://b:8080} targets running brokers instead (users spread round-robin; hosts
 * and pool set up through the first): they need the users file this bench writes
 * ({@code --spring.config.additional-location}) and {@code target/test-images} among their image directories.
 * {@code bench.auth=basic} sends the password with every session request instead of a token.
 * <p>
 * When capacity runs out: {@code bench.host-uri=qemu:///system} (real guests of the tiny image, removed afterwards),
 * {@code bench.spares} ready spares (all users by default) and {@code bench.max-size} desktops at most. Then the
 * check is that every request gets a clear answer (READY, or FAILED / a 4xx or 503 with its code) and none hangs.
 */
class StormBench {

    private static final String DEMO_HASH = "{bcrypt}$2a$10$HAj6gSyVmaV1H3wIA2Fvy.1Mop33Ln1EW/6GK/zQwAQDoT8puGTGC";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The employees' groups, and the prefixes of their names. */
    private static final String STORM = "storm";
    private static final String WARMUP = "warmup";
    /** How long a request waits for READY before it counts as unanswered. */
    private static final Duration WAIT_FOR_READY = Duration.ofSeconds(120);

    private final int users = Integer.getInteger("bench.users", 1000);
    private final int concurrency = Integer.getInteger("bench.concurrency", 50);
    private final String auth = System.getProperty("bench.auth", "bearer");
    private final String hostUri = System.getProperty("bench.host-uri", "test:///default");
    private final int spares = Integer.getInteger("bench.spares", users);
    private final int maxSize = Integer.getInteger("bench.max-size", users);
    /** Employees of the warm-up storm per broker, on a pool of their own (none on real guests). */
    private final int warmupPerBroker = Integer.getInteger("bench.warmup-users", hostUri.startsWith("qemu") ? 0 : 500);
    /** Employees of the warm-up storm of the configuration that runs now: {@link #warmupPerBroker} for each broker. */
    private int warmupUsers;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Path work = Path.of("target/bench/storm-" + runId).toAbsolutePath();
    /** The brokers of the configuration that runs now. */
    private List<String> brokers;
    /** The host's name and storage pool in the configuration that runs now. */
    private String storagePool;

    /** One configuration's storm, or how it failed. */
    private record StormRun(String configuration, List<String> brokers, StormBurst.Figures warmup,
                            StormBurst.Figures signIn, StormBurst.Figures storm, int desktops, double postgresCpuPerRequest, String postgres,
                            String window, Map<String, Long> store, Throwable failure) {

        static StormRun failed(String configuration, Throwable failure) {
            return new StormRun(configuration, List.of(), null, null, null, 0, Double.NaN, "", "", Map.of(), failure);
        }
    }

    @Test
    void givenReadySpareForEachOfAThousandUsers_whenAllRequestAtOnce_thenReportRateAndTimeToReady() throws Exception {
        String external = System.getProperty("bench.brokers", "").trim();
        List<String> running = Arrays.stream(external.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<StormCluster.Setup> setups = StormCluster.Setup.parse(System.getProperty("bench.broker-count", "embedded,3,1"));
        int mostBrokers = running.isEmpty() ? setups.stream().mapToInt(StormCluster.Setup::brokers).max().orElse(1)
                : running.size();
        Path usersFile = usersFile(warmupPerBroker * mostBrokers);
        List<StormRun> runs = new ArrayList<>();
        if (!running.isEmpty()) {
            storagePool = "openvdi-storm-" + runId;
            runs.add(storm("running brokers", running, null));
        } else {
            for (StormCluster.Setup setup : setups) {
                storagePool = "openvdi-storm-" + runId + "-" + setup.directory();
                try (StormCluster cluster = StormCluster.start(setup, work.resolve(setup.directory()),
                        Path.of(System.getProperty("bench.broker-jar-directory", "target")), brokerArgs(usersFile),
                        brokerJvmArgs(), Boolean.getBoolean("bench.kafka"), !hostUri.startsWith("qemu"))) {
                    runs.add(storm(setup.label(), cluster.urls(), cluster));
                } catch (Exception | AssertionError e) {
                    e.printStackTrace();
                    runs.add(StormRun.failed(setup.label(), e));
                } finally {
                    if (hostUri.startsWith("qemu")) {
                        org.openvdi.broker.Virsh.removeDesktopsAndPool(storagePool);
                    }
                }
            }
        }
        document(runs).publish("storm.md");
        for (StormRun run : runs) {
            check(run);
        }
    }

    /**
     * One storm on {@code urls}: set up the pools and their spares; the warm-up employees sign in and request a
     * desktop of their own pool (the brokers' JIT compiles the paths a broker that served yesterday's logons has
     * compiled); then the storm's employees sign in, and all request a desktop at once.
     */
    private StormRun storm(String configuration, List<String> urls, StormCluster cluster) throws Exception {
        brokers = urls;
        warmupUsers = warmupPerBroker * urls.size();
        String host = addHost();
        String warmupPool = warmupUsers == 0 ? null : createPool(host, "warmup", warmupUsers, warmupUsers);
        String pool = createPool(host, "storm", Math.min(spares, maxSize), maxSize);
        if (warmupPool != null) {
            awaitSpares(warmupPool, warmupUsers);
        }
        awaitSpares(pool, Math.min(spares, maxSize));
        java.util.function.LongSupplier cpu = cluster == null ? () -> -1 : cluster::brokerCpuMillis;
        StormBurst.Figures warmup = null;
        if (warmupPool != null) {
            String[] warmupTokens = new String[warmupUsers];
            StormBurst.run("warm-up sign-in", warmupUsers, concurrency, i -> signIn(WARMUP, i, warmupTokens), cpu);
            Set<String> warmupDesktops = ConcurrentHashMap.newKeySet();
            warmup = StormBurst.run("warm-up storm, the brokers' first session requests", warmupUsers, concurrency,
                    i -> requestSession(WARMUP, i, warmupPool, warmupTokens, warmupDesktops), cpu);
        }
        String[] tokens = new String[users];
        StormBurst.Figures signIn = StormBurst.run("sign-in (POST /api/tokens, HTTP Basic, bcrypt)", users,
                concurrency, i -> signIn(STORM, i, tokens), cpu);
        Set<String> desktops = ConcurrentHashMap.newKeySet();
        PostgresCost postgres = cluster == null ? null : cluster.postgres();
        PostgresCost.Snapshot postgresBefore = postgres == null ? null : postgres.snapshot();
        java.time.Instant stormStart = java.time.Instant.now();
        StormBurst.Figures storm = StormBurst.run("session request to READY with connect URL (POST /api/sessions, "
                + (auth.equals("basic") ? "HTTP Basic" : "Bearer token") + ")", users, concurrency,
                i -> requestSession(STORM, i, pool, tokens, desktops), cpu);
        // the window to read a flight recording of the brokers for (jdk.jfr.consumer, by event start time)
        String window = "Session requests from " + stormStart + " to " + java.time.Instant.now() + ".";
        PostgresCost.Snapshot postgresAfter = postgres == null ? null : postgres.snapshot();
        return new StormRun(configuration, urls, warmup, signIn, storm, desktops.size(), postgres == null ? Double.NaN
                : PostgresCost.cpuMillisPerRequest(postgresBefore, postgresAfter, users), postgres == null ? ""
                : PostgresCost.perRequest(postgresBefore, postgresAfter, users), window,
                cluster == null ? Map.of() : StormStore.checks(cluster), null);
    }

    private void check(StormRun run) throws Exception {
        if (run.failure() instanceof Exception e) {
            throw e;
        }
        if (run.failure() instanceof Error e) {
            throw e;
        }
        assertThat(run.signIn().outcomes()).as(run.configuration()).containsOnlyKeys("201");
        if (run.warmup() != null) {
            assertThat(run.warmup().outcomes().keySet()).as("warm-up, " + run.configuration())
                    .allMatch(outcome -> outcome.startsWith("READY"));
        }
        if (spares >= users && maxSize >= users) {
            assertThat(run.storm().outcomes().keySet()).as(run.configuration()).allMatch(outcome -> outcome.startsWith("READY"));
            assertThat(run.desktops()).as("a desktop of its own for every session, " + run.configuration()).isEqualTo(users);
        } else {
            assertThat(run.storm().outcomes().keySet()).as("clear answers, none hangs, " + run.configuration()).allMatch(
                    outcome -> outcome.startsWith("READY") || outcome.startsWith("FAILED ") || outcome.matches("(4\\d\\d|503) \\w+"));
            assertThat(run.desktops()).as("no desktop twice, " + run.configuration()).isEqualTo(run.storm().outcomes()
                    .entrySet().stream().filter(e -> e.getKey().startsWith("READY")).mapToInt(Map.Entry::getValue).sum());
        }
        if (!run.store().isEmpty()) {
            assertThat(run.store()).as("the event store after the storm, " + run.configuration())
                    .containsEntry(StormStore.DESKTOPS_ASSIGNED_TWICE, 0L).containsEntry(StormStore.DESKTOPS_OF_TWO_SESSIONS, 0L)
                    .containsEntry(StormStore.SESSIONS_WITH_TWO_DESKTOPS, 0L)
                    .containsEntry(StormStore.DESKTOPS_STRANDED, 0L);
        }
    }

    /**
     * The storm's employees, storm-0001 and on, in group "storm", and the warm-up's, warmup-0001 and on, in group
     * "warmup", beside the admin; all with the demo password.
     */
    private Path usersFile(int warmupEmployees) throws IOException {
        StringBuilder yaml = new StringBuilder("openvdi:\n  security:\n    users:\n      - name: admin\n        password: \""
                + DEMO_HASH + "\"\n        roles: [ADMIN]\n");
        for (String group : List.of(STORM, WARMUP)) {
            for (int i = 0; i < (group.equals(STORM) ? users : warmupEmployees); i++) {
                yaml.append("      - name: ").append(userName(group, i)).append("\n        password: \"").append(DEMO_HASH)
                        .append("\"\n        roles: [EMPLOYEE]\n        groups: [").append(group).append("]\n");
            }
        }
        Files.createDirectories(work);
        Path file = Files.writeString(work.resolve("storm-users.yml"), yaml);
        Files.copy(file, Path.of("target/bench/storm-users.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static String userName(String group, int i) {
        return String.format(Locale.ROOT, "%s-%04d", group, i + 1);
    }

    /** What every broker of the storm gets: the users file, the test images, and provisioning workers. */
    private List<String> brokerArgs(Path usersFile) {
        return List.of("--spring.config.additional-location=file:" + usersFile,
                "--openvdi.images.directories=" + Path.of("target/test-images").toAbsolutePath(),
                // the spares are set up before the storm, not measured: provision them with more workers
                "--openvdi.provisioning.workers=" + (hostUri.startsWith("qemu") ? 4 : 16));
    }

    private static List<String> brokerJvmArgs() {
        return Arrays.stream(System.getProperty("bench.broker-jvm-args", "").trim().split("\\s+"))
                .filter(option -> !option.isEmpty()).toList();
    }

    /** A host with room for every desktop of the storm and of its warm-up; answers its storage pool's name. */
    private String addHost() throws Exception {
        boolean qemu = hostUri.startsWith("qemu");
        int room = maxSize + warmupUsers;
        send("POST", "/api/hosts", basic("admin"), qemu
                ? Map.of("name", storagePool, "uri", hostUri, "virtType", "qemu", "maxDesktops", room, "storagePool", storagePool)
                : Map.of("name", storagePool, "uri", hostUri, "virtType", "qemu", "maxDesktops", room), 201);
        return storagePool;
    }

    /** A template and a floating pool of it for the employees of {@code group}, keeping {@code minSpare} ready. */
    private String createPool(String host, String group, int minSpare, int size) throws Exception {
        String admin = basic("admin");
        boolean qemu = hostUri.startsWith("qemu");
        String name = host + "-" + group;
        String template = send("POST", "/api/templates", admin, Map.of("name", name, "vcpus", 1, "memoryMiB", 128),
                201).get("id").asText();
        Path image = qemu ? Files.copy(AppProcess.tinyImage(), Files.createDirectories(Path.of("target/test-images"))
                .resolve(name + ".img")).toAbsolutePath() : AdminScenario.randomImage();
        send("POST", "/api/templates/" + template + "/versions", admin, Map.of("imagePath", image.toString()), 201);
        return send("POST", "/api/pools", admin, Map.of("name", name, "templateId", template, "type",
                "FLOATING", "powerPolicy", "KEEP_RUNNING", "minSpare", minSpare, "maxSize", size,
                "entitledGroups", List.of(group)), 201).get("id").asText();
    }

    private void awaitSpares(String pool, int spares) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (true) {
            int ready = 0;
            for (JsonNode desktop : send("GET", "/api/desktops?poolId=" + pool, basic("admin"), null, 200)) {
                ready += desktop.get("state").asText().equals("READY") ? 1 : 0;
            }
            if (ready == spares) {
                return;
            }
            assertThat(System.nanoTime()).as("%d of %d spares ready", ready, spares).isLessThan(deadline);
            Thread.sleep(2000);
        }
    }

    private StormBurst.Result signIn(String group, int i, String[] tokens) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = http.send(request(i, "/api/tokens", basic(userName(group, i)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"storm\",\"ttl\":\"PT1H\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (answer.statusCode() == 201) {
            tokens[i] = JSON.readTree(answer.body()).get("token").asText();
        }
        return new StormBurst.Result(Integer.toString(answer.statusCode()), millis);
    }

    /** From the request to a READY session with its connect URL: in the answer itself, or by asking again. */
    private StormBurst.Result requestSession(String group, int i, String pool, String[] tokens, Set<String> desktops)
            throws Exception {
        String authorization = auth.equals("basic") ? basic(userName(group, i)) : "Bearer " + tokens[i];
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

    private BenchDocument document(List<StormRun> runs) {
        BenchDocument document = new BenchDocument("Logon storm benchmark").machine(MachineFacts.basics());
        document.setting(users + " distinct employees (bcrypt cost 10 password hashes), " + concurrency
                + " requests in flight (java.net.http, HTTP/1.1, a fixed pool of " + concurrency + " client threads)");
        document.setting(System.getProperty("bench.brokers", "").isBlank() ? "brokers started by the bench, each"
                + " configuration on a fresh database; Kafka " + (Boolean.getBoolean("bench.kafka") ? "on" : "off")
                + "; users spread round-robin over the brokers (user i to broker i mod N)"
                + (hostUri.startsWith("qemu") ? "" : "; on an external PostgreSQL no drift reconciliation (each broker's"
                + " test:///default is a host of its own)") : "running brokers: " + System.getProperty("bench.brokers"));
        document.setting("one host " + hostUri + ", a floating pool with " + Math.min(spares, maxSize)
                + " ready spares (minSpare " + Math.min(spares, maxSize) + ", maxSize " + maxSize + ")"
                + (warmupPerBroker == 0 ? "; no warm-up" : "; before the storm, a warm-up: " + warmupPerBroker + " other"
                + " employees per broker sign in and request a desktop of a pool of their own with as many ready spares, "
                + concurrency + " in flight (bench.warmup-users), so the storm meets brokers whose JIT has compiled the"
                + " request path"));
        document.setting("broker jar from " + System.getProperty("bench.broker-jar-directory", "target")
                + "; broker JVM options: " + String.join(" ", brokerJvmArgs()));
        document.setting("the client runs on the same machine as the brokers, and shares its CPUs; CPU per request is"
                + " the CPU time of every broker process together, and of PostgreSQL's postmaster and backends");
        List<List<String>> rows = new ArrayList<>();
        for (StormRun run : runs) {
            if (run.failure() != null) {
                rows.add(List.of(run.configuration(), "failed: " + run.failure().toString().replace('|', '/')
                        .replaceAll("\\s+", " "), "", "", "", "", "", "", "", "", ""));
                continue;
            }
            StormBurst.Figures in = run.signIn();
            StormBurst.Figures storm = run.storm();
            StormBurst.Figures warmup = run.warmup();
            rows.add(List.of(run.configuration(), Integer.toString(storm.requests()), warmup == null ? "none"
                    : warmup.requests() + ": " + decimal(warmup.perSecond()) + "/s, " + warmup.latency().percentile(50)
                    + " / " + warmup.latency().percentile(95), decimal(in.perSecond()),
                    in.latency().percentile(50) + " / " + in.latency().percentile(95), decimal(storm.perSecond()),
                    storm.latency().percentile(50) + " / " + storm.latency().percentile(95) + " / " + storm.latency().max(),
                    decimal(storm.cpuMillisPerRequest()), decimal(run.postgresCpuPerRequest()),
                    decimal(in.cpuMillisPerRequest()), storm.loadBefore() + " / " + storm.loadAfter()));
        }
        document.table("Storms, one row per configuration", List.of("configuration", "users",
                "warm-up storm before (first session requests of the brokers): requests, requests/s, p50 / p95 ms", "sign-in/s",
                "sign-in p50 / p95 ms", "session requests/s", "p50 / p95 / max ms to READY + URL",
                "broker CPU ms per session request (all brokers)", "PostgreSQL CPU ms per session request",
                "broker CPU ms per sign-in", "load average before / after the storm"), rows);
        for (StormRun run : runs) {
            if (run.failure() != null) {
                document.section(run.configuration(), "Failed: " + run.failure());
                continue;
            }
            StringBuilder text = new StringBuilder("Brokers: " + String.join(", ", run.brokers()) + ". "
                    + run.window() + "\n\nOutcomes:");
            for (StormBurst.Figures f : java.util.stream.Stream.of(run.warmup(), run.signIn(), run.storm())
                    .filter(java.util.Objects::nonNull).toList()) {
                f.outcomes().forEach((outcome, n) -> text.append("\n- ").append(f.name()).append(": ").append(outcome)
                        .append(": ").append(n));
                text.append(String.format(Locale.ROOT, "\n- %s: %.1f s wall, load average %s before, %s after",
                        f.name(), f.wallSeconds(), f.loadBefore(), f.loadAfter()));
            }
            if (!run.store().isEmpty()) {
                text.append("\n\n").append(StormStore.describe(run.store()));
            }
            if (!run.postgres().isEmpty()) {
                text.append("\n\n").append(run.postgres());
            }
            document.section(run.configuration(), text.toString());
        }
        return document;
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.1f", value);
    }
}
