package org.openvdi.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;

/**
 * Three broker processes (the packaged jar, each with its own port and node id) on one external PostgreSQL and one
 * external Kafka, started as docker-compose.yml runs them ({@link ExternalPostgres}, {@link ExternalKafka}: SASL with
 * SCRAM-SHA-512 users and ACLs; the brokers and gateways sign in with their own users' passwords). A storm
 * of session requests is spread over the three; the broker that holds the {@code processes} segments is killed with
 * SIGKILL after a third of the requests were answered; its clients go on at the next broker, as behind a load
 * balancer. Then, from the event store and the token store:
 * <ul>
 *   <li>every request a broker acknowledged is a session that gets a desktop, and so is every retried one;</li>
 *   <li>no desktop is assigned twice, no session gets two desktops, every aggregate's sequence has no hole, and every
 *   stored event reaches Kafka;</li>
 *   <li>the survivors claim every segment of the dead broker within 15 s;</li>
 *   <li>the periodic work runs once across the brokers: the pool is refilled to its spare target, ends at exactly
 *   its size and never beyond, and each desktop is provisioned once.</li>
 * </ul>
 * libvirt's test driver keeps each process's VMs in that process's memory, so each broker sees its own
 * {@code test:///default} host: drift reconciliation (which would find the other brokers' VMs missing) is off here,
 * and the desktops are made ready after every broker started. A real host (qemu:///system, qemu+tls://) is one host
 * for all brokers.
 */
class MultiBrokerIT {

    private static final int BROKERS = 3;
    private static final int USERS = 36;
    private static final int CLIENTS = 6;
    private static final int GATEWAYS = 2;
    private static final List<String> VIEWERS = List.of("viewer0", "viewer1");
    private static final Duration TAKEOVER_GOAL = Duration.ofSeconds(15);
    /** Long enough for every survivor to answer several rounds of requests, and for its connections to break. */
    private static final Duration DATABASE_OUTAGE = Duration.ofSeconds(15);
    /** A broker starts in about 20 s on an idle machine; several minutes when the machine is shared and loaded. */
    private static final Duration START = Duration.ofMinutes(10);
    private static final String DEMO_HASH = "{bcrypt}$2a$10$HAj6gSyVmaV1H3wIA2Fvy.1Mop33Ln1EW/6GK/zQwAQDoT8puGTGC";
    private static final Pattern OWNER = Pattern.compile("broker-(\\d)");

    private final String storagePool = "openvdi-multi-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/" + storagePool).toAbsolutePath();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopAll() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("Stopping " + running.get(i) + " failed: " + e);
            }
        }
    }

    @Test
    void givenThreeBrokersUnderAStorm_whenOneIsKilled_thenNothingIsLostOrDoubledAndTheOthersTakeOver() throws Exception {
        long testStarted = System.nanoTime();
        Files.createDirectories(work);
        ExternalPostgres postgres = new ExternalPostgres(work);
        running.add(postgres);
        running.add(() -> Virsh.removeDesktopsAndPool(storagePool)); // after the brokers stopped
        ExternalKafka kafka = new ExternalKafka(work);
        running.add(kafka);
        postgres.start();
        kafka.start();
        long servicesUp = System.nanoTime();

        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(String.format("user%03d", i));
        }
        // two gateways behind HAProxy (deploy/haproxy/haproxy.cfg), reaching the brokers through it too
        Haproxy balancer = new Haproxy(work);
        running.add(balancer);
        String gatewaySecret = UUID.randomUUID().toString();
        List<AppProcess> gateways = new ArrayList<>();
        for (int g = 1; g <= GATEWAYS; g++) {
            AppProcess gateway = AppProcess.gateway(work.resolve("gateway-" + g), List.of(
                            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                            "--openvdi.gateway.gateway-id=gateway-" + g,
                            "--openvdi.gateway.broker-url=http://127.0.0.1:" + balancer.brokersPort(),
                            "--openvdi.gateway.portal-url=http://localhost:" + balancer.brokersPort() + "/"))
                    .env("OPENVDI_GATEWAY_BROKER_SECRET", gatewaySecret)
                    .env("OPENVDI_GATEWAY_KAFKA_PASSWORD", kafka.gatewayPassword())
                    .jvmArg("-XX:TieredStopAtLevel=1").jvmArg("-XX:ParallelGCThreads=1").jvmArg("-Xmx256m");
            gateways.add(gateway);
            running.add(gateway);
        }
        Path images = Files.createDirectories(work.resolve("images"));
        Files.copy(AppProcess.tinyImage(), images.resolve("tiny-desktop.img"));
        List<AppProcess> brokers = new ArrayList<>();
        for (int n = 0; n < BROKERS; n++) {
            AppProcess broker = AppProcess.broker(work.resolve("broker-" + n), brokerArgs(n, users, postgres.jdbcUrl()))
                    .arg("--openvdi.gateway-url=http://localhost:" + balancer.gatewaysPort())
                    .arg("--openvdi.images.directories=" + Path.of("target/test-images").toAbsolutePath() + "," + images)
                    .env("OPENVDI_GATEWAY_SECRET", gatewaySecret)
                    .env("SPRING_DATASOURCE_PASSWORD", postgres.password())
                    .env("OPENVDI_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
                    .env("OPENVDI_KAFKA_PASSWORD", kafka.brokerPassword())
                    // three JVMs start at once on a small shared machine: the quick compiler and one GC thread
                    .env("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            brokers.add(broker);
            running.add(broker);
        }
        // all at once, as after a deployment: Flyway migrates under its own advisory lock, and a token segment two
        // brokers create at once is refused to one of them by the token store's key, which then claims it or another
        balancer.start(gateways.stream().map(AppProcess::port).toList(), brokers.stream().map(AppProcess::port).toList());
        ExecutorService starting = Executors.newFixedThreadPool(BROKERS + GATEWAYS);
        List<Future<?>> started = new ArrayList<>();
        List<AppProcess> applications = new ArrayList<>(brokers);
        applications.addAll(gateways);
        for (AppProcess application : applications) {
            started.add(starting.submit(() -> {
                application.start(START);
                return null;
            }));
        }
        for (Future<?> f : started) {
            f.get(START.toSeconds() + 30, TimeUnit.SECONDS);
        }
        starting.shutdown();
        long brokersUp = System.nanoTime();

        AdminScenario admin = new AdminScenario(brokers.get(0).port());
        String memoryHost = admin.host("memory", "test:///default", 4 * USERS);
        String pool = admin.pool("storm", admin.template("t"), "FLOATING", "KEEP_RUNNING", USERS, 2 * USERS,
                users.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> admin.inState(pool, "READY").size() >= USERS);
        long sparesReady = System.nanoTime();

        Map<String, List<String>> ownersBefore = owners(postgres);
        int victim = mostSegments(ownersBefore.get("processes"));

        // the storm: user i asks broker i % 3 first; a broker that does not answer sends the client to the next
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        Map<String, String> connectUrls = new ConcurrentHashMap<>();
        Map<String, Integer> answeredBy = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failovers = new AtomicInteger();
        AtomicLong killedAt = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<Integer> dead = ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> requests = new ArrayList<>();
        long stormStarted = System.nanoTime();
        for (int i = 0; i < USERS; i++) {
            String user = users.get(i);
            int first = i % BROKERS;
            requests.add(clients.submit(() -> {
                for (int attempt = 0; attempt < 2 * BROKERS; attempt++) {
                    int n = (first + attempt) % BROKERS;
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> answer = requestSession(brokers.get(n).port(), user, pool);
                        if (answer.statusCode() / 100 == 2) {
                            latencies.add((System.nanoTime() - sent) / 1_000_000);
                            acknowledged.put(user, sessionId(answer.body()));
                            connectUrl(answer.body()).ifPresent(url -> connectUrls.put(sessionId(answer.body()), url));
                            answeredBy.merge("broker-" + n, 1, Integer::sum);
                            if (answered.incrementAndGet() == USERS / 3 && killedAt.compareAndSet(0, System.nanoTime())) {
                                brokers.get(victim).kill();
                                dead.add(victim);
                            }
                            return null;
                        }
                        throw new AssertionError("broker-" + n + " answered " + answer.statusCode() + ": " + answer.body());
                    } catch (IOException unanswered) {
                        failovers.incrementAndGet();
                    }
                }
                throw new AssertionError("No broker answered " + user);
            }));
        }
        for (Future<?> f : requests) {
            f.get(180, TimeUnit.SECONDS);
        }
        clients.shutdown();
        long stormMillis = (System.nanoTime() - stormStarted) / 1_000_000;
        assertThat(killedAt.get()).as("the victim was killed mid-storm").isPositive();
        String victimNode = "broker-" + victim;

        // the survivors take over every segment the dead broker held
        Map<String, Long> takeoverMillis = new LinkedHashMap<>();
        await().atMost(TAKEOVER_GOAL.plusSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, List<String>> now = owners(postgres);
            long since = (System.nanoTime() - killedAt.get()) / 1_000_000;
            now.forEach((processor, owners) -> {
                if (!takeoverMillis.containsKey(processor) && owners.stream().allMatch(o -> o != null && !o.equals(victimNode))) {
                    takeoverMillis.put(processor, since);
                }
            });
            return takeoverMillis.keySet().containsAll(now.keySet());
        });

        // every acknowledged request is a session that gets a desktop
        assertThat(acknowledged).hasSize(USERS);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> assignedSessions(postgres).keySet().containsAll(acknowledged.values()));
        long allAssigned = System.nanoTime();

        // the pool is refilled to its spare target (the assigned desktops are no longer READY), by whichever broker
        // holds the capacity lock
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> admin(brokers, dead).inState(pool, "READY").size() == USERS);
        Thread.sleep(3000); // three more capacity ticks: any broker that decided twice would overshoot now
        AdminScenario survivor = admin(brokers, dead);
        long live = survivor.desktops(pool).stream().map(d -> d.get("state").asText())
                .filter(s -> !s.equals("DESTROYED") && !s.equals("FAILED")).count();

        // the database goes away under the two survivors (item 5 with several brokers): both answer 503
        // DATABASE_UNAVAILABLE at once, and afterwards both recover by themselves: they answer again, every segment is
        // claimed again by a survivor, and the periodic work goes on once (the displays below are provisioned, assigned
        // and connected after it; the store checks cover that work too)
        List<Integer> survivors = new ArrayList<>();
        for (int n = 0; n < BROKERS; n++) {
            if (!dead.contains(n)) {
                survivors.add(n);
            }
        }
        postgres.stop();
        long databaseStopped = System.nanoTime();
        Map<String, Integer> outageAnswers = new java.util.TreeMap<>();
        List<String> wrongOutageAnswers = new ArrayList<>();
        long slowestOutageAnswer = 0;
        ExecutorService askers = Executors.newFixedThreadPool(survivors.size());
        while (System.nanoTime() - databaseStopped < DATABASE_OUTAGE.toNanos()) {
            List<Future<String>> asked = new ArrayList<>();
            long sent = System.nanoTime();
            for (int n : survivors) {
                asked.add(askers.submit(() -> {
                    HttpResponse<String> answer = requestSession(brokers.get(n).port(), users.get(n), pool);
                    return "broker-" + n + " " + answer.statusCode() + " "
                            + answer.headers().firstValue("Content-Type").orElse("") + " " + answer.body();
                }));
            }
            for (Future<String> answer : asked) {
                String line = answer.get(30, TimeUnit.SECONDS);
                String[] parts = line.split(" ", 3);
                outageAnswers.merge(parts[0] + " " + parts[1], 1, Integer::sum);
                if (!parts[1].equals("503") || !line.contains("application/problem+json")
                        || !line.contains("DATABASE_UNAVAILABLE")) {
                    wrongOutageAnswers.add(line);
                }
            }
            slowestOutageAnswer = Math.max(slowestOutageAnswer, (System.nanoTime() - sent) / 1_000_000);
        }
        askers.shutdown();
        postgres.restart();
        long databaseBack = System.nanoTime();
        java.time.Instant restartedAt = java.time.Instant.now();
        for (int n : survivors) {
            AdminScenario answering = new AdminScenario(brokers.get(n).port());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> answering.admin().get("/api/desktops?poolId=" + pool).status() == 200);
        }
        long brokersAnswerAgain = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> claimsSince(postgres, restartedAt).values().stream().allMatch(owner -> owner != null
                        && !owner.equals(victimNode)));
        long segmentsClaimedAgain = System.nanoTime();
        Map<String, String> claimsAfterOutage = claimsSince(postgres, restartedAt);

        // two real displays (the tiny desktop on qemu:///system, one host for all brokers) for the telemetry check,
        // on a host of their own: the storm's host takes no new desktops now (its pool is at its size anyway)
        AdminScenario survivorAdmin = admin(brokers, dead);
        assertThat(survivorAdmin.admin().post("/api/hosts/" + memoryHost + "/cordon", "{}").status()).isLessThan(300);
        survivorAdmin.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu", "maxDesktops", VIEWERS.size(),
                "storagePool", storagePool));
        String displays = survivorAdmin.pool("displays", survivorAdmin.template("Tiny desktop",
                images.resolve("tiny-desktop.img"), 256), "FLOATING", "KEEP_RUNNING", VIEWERS.size(), VIEWERS.size(),
                VIEWERS.toArray(String[]::new));

        // every connect URL of the storm is redeemed through the balancer, by both gateways (the test driver's desktops
        // have no display: each token is known and checked, and refused as DESKTOP_GONE, never TOKEN_UNKNOWN)
        long redeemStarted = System.nanoTime();
        redeemThroughTheBalancer(connectUrls.values(), balancer.gatewaysPort());
        long redeemMillis = (System.nanoTime() - redeemStarted) / 1_000_000;
        Map<String, Map<String, String>> redemptions = redemptions(postgres);

        // telemetry of both gateways reaches the brokers: two real desktops, one tunnel through each gateway, then a
        // reconnect with a resume token that lands on the other gateway
        long displaysStarted = System.nanoTime();
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> admin(brokers, dead).inState(displays, "READY").size() == VIEWERS.size());
        Map<String, String> viewerSessions = new LinkedHashMap<>();
        Map<String, TunnelClient> tunnels = new LinkedHashMap<>();
        for (String viewer : VIEWERS) {
            HttpResponse<String> answer = requestSession(livePort(brokers, dead), viewer, displays);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            String session = sessionId(answer.body());
            viewerSessions.put(viewer, session);
            TunnelClient tunnel = TunnelClient.open(http, balancer.gatewaysPort(),
                    TunnelClient.tokenOf(connectUrl(answer.body()).orElseThrow()));
            running.add(tunnel);
            tunnels.put(session, tunnel);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> connectedBy(admin(brokers, dead), session).size() == 1);
        }
        Set<String> telemetryGateways = new HashSet<>();
        viewerSessions.values().forEach(session -> telemetryGateways.addAll(connectedBy(admin(brokers, dead), session)));
        String resumed = viewerSessions.get(VIEWERS.get(1));
        List<String> resumedBy = new ArrayList<>(connectedBy(admin(brokers, dead), resumed));
        for (int attempt = 0; attempt < 3 && resumedBy.stream().distinct().count() < 2; attempt++) {
            TunnelClient before = tunnels.get(resumed);
            await().atMost(Duration.ofSeconds(30)).until(() -> before.resumeToken() != null);
            String resumeToken = before.resumeToken();
            before.close();
            int connections = resumedBy.size();
            TunnelClient again = TunnelClient.open(http, balancer.gatewaysPort(), resumeToken);
            running.add(again);
            tunnels.put(resumed, again);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> connectedBy(admin(brokers, dead), resumed).size() == connections + 1);
            resumedBy = new ArrayList<>(connectedBy(admin(brokers, dead), resumed));
        }
        long displaysMillis = (System.nanoTime() - displaysStarted) / 1_000_000;
        tunnels.values().forEach(TunnelClient::close);

        Map<String, String> sessionDesktops = assignedSessions(postgres);
        Map<String, Long> checks = storeChecks(postgres);
        Set<String> published = publishedEventIds(kafka, checks.get("events"));
        Set<String> stored = eventIds(postgres);

        StringBuilder figures = new StringBuilder();
        figures.append("| figure | value |\n|---|---|\n");
        row(figures, "external PostgreSQL + Kafka up (s)", seconds(servicesUp - testStarted));
        row(figures, "3 brokers up (s)", seconds(brokersUp - servicesUp));
        row(figures, USERS + " spares ready (s)", seconds(sparesReady - brokersUp));
        row(figures, "storm: requests, clients", USERS + ", " + CLIENTS);
        row(figures, "storm wall time (ms)", String.valueOf(stormMillis));
        row(figures, "answered per broker", new java.util.TreeMap<>(answeredBy).toString());
        row(figures, "latency p50 / p95 / max (ms)", percentiles(latencies));
        row(figures, "requests sent to the killed broker again elsewhere", String.valueOf(failovers.get()));
        row(figures, "killed (SIGKILL)", victimNode + " after " + USERS / 3 + " answers");
        row(figures, "segments before the kill", ownersBefore.toString());
        row(figures, "segment takeover after SIGKILL (ms)", takeoverMillis.toString());
        row(figures, "all sessions assigned after the kill (s)", seconds(allAssigned - killedAt.get()));
        row(figures, "desktops provisioned / live at the end", checks.get("provisioned") + " / " + live);
        row(figures, "events stored / published to Kafka", stored.size() + " / " + published.size());
        row(figures, "connect URLs redeemed through HAProxy, per gateway (ms)", connectUrls.size() + ", "
                + redemptions.values().stream().collect(java.util.stream.Collectors.groupingBy(r -> r.get("gatewayId"),
                java.util.TreeMap::new, java.util.stream.Collectors.counting())) + " in " + redeemMillis);
        row(figures, "tunnels' telemetry by gateway; a resumed tunnel's gateways", telemetryGateways + "; " + resumedBy);
        row(figures, "two real displays ready, connected, resumed (ms)", String.valueOf(displaysMillis));
        row(figures, "database outage under the 2 survivors (s)", seconds(databaseBack - databaseStopped));
        row(figures, "answers during the outage, by broker and status", outageAnswers.toString());
        row(figures, "slowest round of answers during the outage (ms)", String.valueOf(slowestOutageAnswer));
        row(figures, "both survivors answer again after the restart (s)", seconds(brokersAnswerAgain - databaseBack));
        row(figures, "every segment claimed again after the restart (s)", seconds(segmentsClaimedAgain - databaseBack));
        row(figures, "stranded desktops (assigned to a session that does not hold them)",
                String.valueOf(checks.get("strandedDesktops")));
        row(figures, "whole test (s)", seconds(System.nanoTime() - testStarted));
        Files.writeString(work.resolve("multibroker-figures.md"), figures);
        System.out.println(figures);

        assertThat(takeoverMillis.values()).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(TAKEOVER_GOAL.toMillis()));
        assertThat(sessionDesktops.keySet()).containsAll(acknowledged.values());
        assertThat(new HashSet<>(sessionDesktops.values())).as("no desktop in two sessions").hasSize(sessionDesktops.size());
        assertThat(checks.get("desktopsAssignedTwice")).isZero();
        assertThat(checks.get("sessionsAssignedTwice")).isZero();
        assertThat(checks.get("sequenceHoles")).as("aggregates whose sequence has a hole").isZero();
        assertThat(checks.get("provisioningRepeats")).as("desktops provisioned more than once").isZero();
        assertThat(checks.get("strandedDesktops")).as("desktops assigned to a session that does not hold them").isZero();
        assertThat(wrongOutageAnswers).as("answers other than 503 DATABASE_UNAVAILABLE during the outage").isEmpty();
        assertThat(outageAnswers.keySet()).as("both survivors answered during the outage").hasSize(survivors.size());
        assertThat(claimsAfterOutage.values()).as("every segment claimed again by a survivor after the outage")
                .allSatisfy(owner -> assertThat(owner).isNotNull().isNotEqualTo(victimNode));
        assertThat(live).as("desktops of the pool, never beyond its size").isEqualTo(2L * USERS);
        // more may have been provisioned than 2 x USERS: sessions waiting during the storm count as demand, and the
        // surplus they leave is retired; what must hold is the pool's size and one provisioning per desktop (above)
        assertThat(published).as("every stored event on Kafka").containsAll(stored);
        assertThat(connectUrls).as("the storm's answers with a connect URL").isNotEmpty();
        assertThat(redemptions.keySet()).as("every connect URL reached a broker through a gateway")
                .containsAll(connectUrls.keySet());
        assertThat(redemptions.values()).extracting(r -> r.get("code")).as("known tokens, refused only for want of a display")
                .containsOnly("DESKTOP_GONE");
        assertThat(redemptions.values()).extracting(r -> r.get("gatewayId")).as("both gateways redeemed")
                .contains("gateway-1", "gateway-2");
        assertThat(telemetryGateways).as("telemetry of both gateways recorded by the brokers")
                .containsExactlyInAnyOrder("gateway-1", "gateway-2");
        assertThat(resumedBy.stream().distinct()).as("a resumed tunnel carried on by the other gateway").hasSize(2);
    }

    /** Presents every token at the balancer (CLIENTS at a time) and waits until the gateway closed each tunnel. */
    private void redeemThroughTheBalancer(java.util.Collection<String> urls, int port) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Integer>> closes = new ArrayList<>();
        for (String url : urls) {
            closes.add(clients.submit(() -> {
                try (TunnelClient tunnel = TunnelClient.open(http, port, TunnelClient.tokenOf(url))) {
                    return tunnel.closeCode(Duration.ofSeconds(60));
                }
            }));
        }
        for (Future<Integer> close : closes) {
            assertThat(close.get(120, TimeUnit.SECONDS)).as("the gateway's close code of a refused token").isBetween(4000, 4999);
        }
        clients.shutdown();
    }

    /** Per session, the gateway and the code of its ConnectionTokenRejectedEvent, from the event store. */
    private static Map<String, Map<String, String>> redemptions(ExternalPostgres postgres) throws SQLException {
        Map<String, Map<String, String>> refused = new HashMap<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT aggregateidentifier, convert_from(payload, 'UTF8')::json->>'gatewayId',"
                     + " convert_from(payload, 'UTF8')::json->>'code' FROM domainevententry"
                     + " WHERE payloadtype LIKE '%.ConnectionTokenRejectedEvent'")) {
            while (r.next()) {
                refused.put(r.getString(1), Map.of("gatewayId", r.getString(2), "code", r.getString(3)));
            }
        }
        return refused;
    }

    /** The gateways of a session's SessionConnectedEvents, in order: its tunnels' telemetry as the brokers recorded it. */
    private static List<String> connectedBy(AdminScenario admin, String session) {
        return admin.events(session, "SessionConnectedEvent").stream()
                .map(e -> e.path("payload").path("gatewayId").asText()).toList();
    }

    private static java.util.Optional<String> connectUrl(String body) {
        Matcher m = Pattern.compile("\"connectUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    private List<String> brokerArgs(int n, List<String> users, String jdbcUrl) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + ExternalPostgres.USER,
                "--openvdi.cluster.node-id=broker-" + n,
                "--openvdi.kafka.enabled=true", "--openvdi.kafka.embedded=false",
                // each broker's test:///default is a host of its own (see the class comment)
                "--openvdi.reconcile.initial-delay=1h", "--openvdi.reconcile.interval=1h",
                "--openvdi.limits.session-requests-per-minute=1000",
                "--logging.level.org.openvdi=info"));
        List<String> all = new ArrayList<>(List.of("admin"));
        all.addAll(users);
        all.addAll(VIEWERS);
        for (int i = 0; i < all.size(); i++) {
            String prefix = "--openvdi.security.users[" + i + "].";
            args.add(prefix + "name=" + all.get(i));
            args.add(prefix + "password=" + DEMO_HASH);
            args.add(prefix + "roles=" + (i == 0 ? "ADMIN" : "EMPLOYEE"));
        }
        return args;
    }

    private HttpResponse<String> requestSession(int port, String user, String pool) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sessions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":demo").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"poolId\":\"" + pool + "\"}")).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String sessionId(String body) {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    private static int livePort(List<AppProcess> brokers, Set<Integer> dead) {
        for (int n = 0; n < brokers.size(); n++) {
            if (!dead.contains(n)) {
                return brokers.get(n).port();
            }
        }
        throw new IllegalStateException("no broker left");
    }

    private static AdminScenario admin(List<AppProcess> brokers, Set<Integer> dead) {
        for (int n = 0; n < brokers.size(); n++) {
            if (!dead.contains(n)) {
                return new AdminScenario(brokers.get(n).port());
            }
        }
        throw new IllegalStateException("no broker left");
    }

    /** The owner of each segment, per streaming processor, from the shared token store. */
    private static Map<String, List<String>> owners(ExternalPostgres postgres) throws SQLException {
        Map<String, List<String>> owners = new java.util.TreeMap<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT processorname, owner FROM tokenentry ORDER BY processorname, segment")) {
            while (r.next()) {
                owners.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
            }
        }
        return owners;
    }

    /**
     * The owner of each segment ("processor/segment") whose claim was extended after {@code since}, or null for a
     * segment not claimed since (Axon's token store keeps the claim's time as an ISO-8601 text).
     */
    private static Map<String, String> claimsSince(ExternalPostgres postgres, java.time.Instant since) throws SQLException {
        Map<String, String> claims = new java.util.TreeMap<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT processorname, segment, owner, timestamp FROM tokenentry")) {
            while (r.next()) {
                boolean fresh = r.getString(4) != null && java.time.Instant.parse(r.getString(4)).isAfter(since);
                claims.put(r.getString(1) + "/" + r.getInt(2), fresh ? r.getString(3) : null);
            }
        }
        return claims;
    }

    private static int mostSegments(List<String> owners) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (String owner : owners) {
            Matcher m = OWNER.matcher(owner == null ? "" : owner);
            if (m.matches()) {
                counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Session id to desktop id, from each session's DesktopAssignedToSessionEvent. */
    private static Map<String, String> assignedSessions(ExternalPostgres postgres) throws SQLException {
        Map<String, String> sessions = new HashMap<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT aggregateidentifier, convert_from(payload, 'UTF8')::json->>'desktopId'"
                     + " FROM domainevententry WHERE payloadtype LIKE '%.DesktopAssignedToSessionEvent'")) {
            while (r.next()) {
                sessions.put(r.getString(1), r.getString(2));
            }
        }
        return sessions;
    }

    private static Map<String, Long> storeChecks(ExternalPostgres postgres) throws SQLException {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("events", "SELECT count(*) FROM domainevententry");
        queries.put("desktopsAssignedTwice", "SELECT count(*) FROM (SELECT aggregateidentifier FROM domainevententry"
                + " WHERE payloadtype LIKE '%.DesktopAssignedEvent' GROUP BY 1 HAVING count(*) > 1) t");
        queries.put("sessionsAssignedTwice", "SELECT count(*) FROM (SELECT aggregateidentifier FROM domainevententry"
                + " WHERE payloadtype LIKE '%.DesktopAssignedToSessionEvent' GROUP BY 1 HAVING count(*) > 1) t");
        queries.put("sequenceHoles", "SELECT count(*) FROM (SELECT aggregateidentifier FROM domainevententry"
                + " GROUP BY 1 HAVING max(sequencenumber) + 1 <> count(*)) t");
        queries.put("provisioningRepeats", "SELECT count(*) FROM (SELECT aggregateidentifier FROM domainevententry"
                + " WHERE payloadtype LIKE '%.DesktopProvisioningRequestedEvent' GROUP BY 1 HAVING count(*) > 1) t");
        queries.put("strandedDesktops", "SELECT count(*) FROM desktop_view d LEFT JOIN session_view s ON s.id = d.session_id"
                + " WHERE d.state = 'ASSIGNED' AND s.desktop_id IS DISTINCT FROM d.id");
        queries.put("provisioned", "SELECT count(*) FROM domainevententry WHERE payloadtype LIKE '%.DesktopProvisioningRequestedEvent'");
        Map<String, Long> results = new HashMap<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                try (ResultSet r = s.executeQuery(q.getValue())) {
                    r.next();
                    results.put(q.getKey(), r.getLong(1));
                }
            }
        }
        return results;
    }

    private static Set<String> eventIds(ExternalPostgres postgres) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = postgres.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT eventidentifier FROM domainevententry")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    /** The ids (ce_id) of the events on the events topic, read until at least {@code expected} arrived or 60 s passed. */
    private static Set<String> publishedEventIds(ExternalKafka kafka, long expected) {
        Set<String> ids = new HashSet<>();
        Map<String, Object> config = new HashMap<>(kafka.adminClientConfig()); // the super user reads everything
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "multibroker-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of("openvdi.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ids.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Header id = record.headers().lastHeader("ce_id");
                    if (id != null) {
                        ids.add(new String(id.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return ids;
    }

    private static String percentiles(List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(Long::compare);
        if (sorted.isEmpty()) {
            return "-";
        }
        return sorted.get(sorted.size() / 2) + " / " + sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1) + " / "
                + sorted.get(sorted.size() - 1);
    }

    private static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }

    private static void row(StringBuilder table, String figure, String value) {
        table.append("| ").append(figure).append(" | ").append(value).append(" |\n");
    }
}
