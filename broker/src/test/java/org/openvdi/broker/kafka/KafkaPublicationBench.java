package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.message.Encoding;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.testsupport.CpuTime;
import org.openvdi.broker.testsupport.KafkaTopic;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Publishing a backlog: {@code -Dbench.events} (1,000,000) domain events of 1,000 aggregates are written into the store first (in SQL), then
 * the publisher's processor starts from the beginning and the clock stops when its position (stored only after
 * Kafka acknowledged every record) reaches the newest event. Real parts: a durable embedded PostgreSQL
 * ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on) with the broker's schema, the
 * product's processor and producer settings ({@link PublicationHarness}), and the in-process KRaft Kafka with
 * SCRAM and ACLs (3 partitions). One run per batch size of {@code -Dbench.batch-sizes} (the product's 1000) and window of
 * {@code -Dbench.windows} (batches in flight, the product's 8).
 * Printed and written to {@code target/bench/kafka-publication.md}. Runs only with {@code -Pbench}.
 */
class KafkaPublicationBench {

    private static final int AGGREGATES = 1000;
    /**
     * The backlog, written in PostgreSQL (the append has a benchmark of its own): in rounds, each of the
     * {@value #AGGREGATES} hosts cordoned or drained once per round, as Axon's JSON serializer stores them.
     */
    private static final String BACKLOG = """
            INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                payloadtype, payloadrevision, payload, metadata)
            SELECT gen_random_uuid()::text, md5((g % 1000)::text)::uuid::text, g / 1000, 'Host',
                to_char(timestamp '2030-01-01' + g * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                CASE WHEN (g / 1000) % 2 = 0 THEN 'org.openvdi.broker.host.api.HostCordonedEvent'
                     ELSE 'org.openvdi.broker.host.api.HostDrainStartedEvent' END, '1',
                convert_to(format('{"hostId":"%s","reason":"kernel update, round %s","by":"admin"}',
                    md5((g % 1000)::text)::uuid, g / 1000), 'UTF8'),
                convert_to('{"user":"admin"}', 'UTF8')
            FROM generate_series(?::bigint, ?::bigint) g ORDER BY g""";

    private final int events = Integer.getInteger("bench.events", 1_000_000);
    private final List<Integer> batchSizes = Arrays.stream(System.getProperty("bench.batch-sizes", "1000").split(","))
            .map(String::trim).map(Integer::parseInt).toList();
    private final List<Integer> windows = Arrays.stream(System.getProperty("bench.windows", "8").split(","))
            .map(String::trim).map(Integer::parseInt).toList();

    @TempDir
    Path kafkaDirectory;

    @Test
    void publishBacklog() throws IOException {
        List<String> rows = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements").start()) {
            // pooled, as the broker's data source is (Hikari, Spring Boot's default size): a connection per query
            // would make PostgreSQL start a backend for every read of the store and every token update
            HikariDataSource dataSource = new HikariDataSource();
            dataSource.setDataSource(postgres.getPostgresDatabase());
            dataSource.setMaximumPoolSize(10);
            Flyway.configure().dataSource(dataSource).load().migrate();
            JdbcClient.create(dataSource).sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").update();
            KafkaSettings first = PublicationHarness.settings(Encoding.BINARY, batchSizes.get(0), "bench-broker-pw");
            try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(kafkaDirectory, 0, KafkaAccess.of(first))) {
                long appendStart = System.nanoTime();
                JdbcClient jdbc = JdbcClient.create(dataSource);
                for (long from = 0; from < events; from += 100_000) {
                    jdbc.sql(BACKLOG).param(from).param(Math.min(events, from + 100_000) - 1).update();
                }
                jdbc.sql("ANALYZE domainevententry").update();
                double appendSeconds = (System.nanoTime() - appendStart) / 1e9;
                System.out.printf("Stored %d events in %.1f s%n", events, appendSeconds);
                for (int batchSize : batchSizes) for (int window : windows) {
                    KafkaSettings settings = PublicationHarness.settings(Encoding.BINARY, batchSize, window, "bench-broker-pw");
                    JdbcClient.create(dataSource).sql("DELETE FROM tokenentry").update();
                    long before = recordsIn(kafka.bootstrapServers());
                    double seconds;
                    String loadBefore = load();
                    JdbcClient.create(dataSource).sql("SELECT pg_stat_statements_reset()").query().listOfRows();
                    CpuTime cpuBefore = CpuTime.now(JdbcClient.create(dataSource));
                    CpuTime cpu;
                    try (PublicationHarness harness = PublicationHarness.create(dataSource, kafka.bootstrapServers(), settings,
                            Map.of())) {
                        long head = harness.head();
                        long start = System.nanoTime();
                        harness.start();
                        while (harness.position() < head) {
                            sleep(20);
                        }
                        seconds = (System.nanoTime() - start) / 1e9;
                        cpu = CpuTime.now(JdbcClient.create(dataSource)).since(cpuBefore);
                    }
                    statements.add(topStatements(dataSource, events));
                    long published = recordsIn(kafka.bootstrapServers()) - before;
                    assertThat(published).as("records published").isEqualTo(events);
                    rows.add(String.format(Locale.ROOT, "| %d | %d | %,d | %.2f | **%,.0f** | %s | %s before, %s after |",
                            batchSize, settings.publishWindow(), events, seconds, events / seconds, cpu.perMillion(events),
                            loadBefore, load()));
                }
            } finally {
                dataSource.close();
            }
        }
        String report = "# Kafka publication of a backlog\n\n"
                + "- " + String.format(Locale.ROOT, "%,d", events) + " domain events (HostCordoned / HostDrainStarted, about "
                + "200 bytes of JSON each) of " + AGGREGATES + " aggregates, written into the store (in SQL) before the publisher starts\n"
                + "- durable embedded PostgreSQL (fsync, synchronous_commit, full_page_writes on); in-process KRaft Kafka, "
                + "SASL/SCRAM, 3 partitions; CloudEvents in binary mode; producer settings of application.yml\n"
                + "- the clock runs from the processor's start until its stored position (which only moves past events "
                + "Kafka acknowledged) reaches the newest event\n"
                + "- CPU time per million events: this JVM (the publisher and the in-process Kafka broker) and "
                + "PostgreSQL, while publishing\n\n"
                + "## Machine\n\n" + machine() + "\n\n## Result\n\n"
                + "| batch size | window (batches) | events | seconds | events/s | CPU per million events | load average |\n"
                + "|---:|---:|---:|---:|---:|---|---|\n" + String.join("\n", rows) + "\n"
                + "\n## PostgreSQL's statements while publishing (pg_stat_statements, by total time)\n\n"
                + String.join("\n", statements) + "\n";
        Path out = Path.of("target/bench/kafka-publication.md").toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("\n" + report + "\nWritten to " + out);
    }

    /** The statements that took PostgreSQL most time during a run, per million events. */
    private static String topStatements(DataSource dataSource, long events) {
        List<String> lines = new ArrayList<>(List.of("| ms per million events | calls | rows | statement |", "|---:|---:|---:|---|"));
        JdbcClient.create(dataSource).sql("""
                        SELECT total_exec_time, calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
                        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8""")
                .query((row, n) -> String.format(Locale.ROOT, "| %,.0f | %,d | %,d | `%s` |",
                        row.getDouble(1) * 1_000_000 / events, row.getLong(2), row.getLong(3),
                        row.getString(4).replace("|", "\\|")))
                .list().forEach(lines::add);
        return String.join("\n", lines);
    }

    private static String load() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }


    /** Records on the events topic: the sum of its partitions' end offsets, read as the audit user. */
    private static long recordsIn(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>(KafkaTopic.scram("openvdi-audit", "audit-pw"));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(PublicationHarness.TOPIC, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .findFirst().map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown");
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        return "| | |\n|---|---|\n| CPU | " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs |\n"
                + "| Java | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " |\n"
                + "| load average when written | " + load + " |";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
