package org.openvdi.broker.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.integrity.api.ChainVerdict;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.testsupport.CpuTime;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * How fast the event chain is sealed and verified, on the embedded PostgreSQL with a generated history of
 * {@code -Dbench.chain.events} (1,000,000) events shaped like the broker's (JSON payloads of about 300 bytes,
 * Axon's metadata), a signed checkpoint every 1,000 events. Prints a report and writes it to
 * target/bench/chain-verification.md. Runs only with {@code -Pbench} ({@code ./vdi bench}).
 */
class ChainVerificationBench {

    private static final String GENERATE = """
            INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                payloadtype, payloadrevision, payload, metadata)
            SELECT gen_random_uuid()::text, md5((g / 12)::text)::uuid::text, g % 12, 'Desktop',
                to_char(timestamp '2030-01-01' + g * interval '10 milliseconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'org.openvdi.broker.desktop.api.DesktopAssignedEvent', '1',
                convert_to(json_build_object('desktopId', md5((g / 12)::text)::uuid, 'sessionId', gen_random_uuid(),
                    'poolId', md5((g % 7)::text)::uuid, 'hostId', md5((g % 3)::text)::uuid, 'user', 'alice',
                    'templateVersion', 3, 'imageSha256', md5(g::text) || md5((g + 1)::text))::text, 'UTF8'),
                convert_to(json_build_object('traceId', gen_random_uuid(), 'correlationId', gen_random_uuid(),
                    'user', 'system')::text, 'UTF8')
            FROM generate_series(?::bigint, ?::bigint) g""";

    private final int events = Integer.getInteger("bench.chain.events", 1_000_000);

    @Test
    void givenMillionEventHistory_whenSealedAndVerified_thenReportEventsPerSecond() throws IOException {
        Path work = Files.createDirectories(Path.of("target/bench/chain-" + System.nanoTime()).toAbsolutePath());
        try (ProcessHarness harness = ProcessHarness.start(ChainTables.class)) {
            harness.reset();
            JdbcClient jdbc = harness.jdbc();
            long generating = System.nanoTime();
            for (long from = 0; from < events; from += 100_000) {
                jdbc.sql(GENERATE).param(from).param(Math.min(events, from + 100_000) - 1).update();
            }
            jdbc.sql("ANALYZE domainevententry").update();
            double generated = seconds(generating);
            long storedBytes = jdbc.sql("SELECT sum(octet_length(payload) + octet_length(metadata)) FROM domainevententry")
                    .query(Long.class).single();

            CheckpointKeyFiles keys = CheckpointKeyFiles.generate(work.resolve("keys"));
            CheckpointWriter checkpoints = new CheckpointWriter(new CheckpointSettings(work.resolve("checkpoints"),
                    keys.privateKey(), null, "bench.openvdi/event-chain", 1000, Duration.ofMinutes(1)),
                    event -> { });
            ChainTables tables = harness.bean(ChainTables.class);
            EventChainSealer sealer = new EventChainSealer(tables, harness.bean(ClusterLock.class),
                    new SealingSettings(true, Duration.ofSeconds(1), 5000, Duration.ofMinutes(10), 10_000), checkpoints);
            long sealing = System.nanoTime();
            assertThat(sealer.sealAll()).isEqualTo(events);
            double sealed = seconds(sealing);
            jdbc.sql("ANALYZE event_chain_link").update();

            ChainVerifier verifier = new ChainVerifier(tables, checkpoints, harness.bean(DataSource.class),
                    harness.bean(PlatformTransactionManager.class));
            String plan = String.join("\n", jdbc.sql("EXPLAIN " + ChainVerifier.CHAIN).query(String.class).list());
            System.out.println("Plan of the verification query:\n" + plan);
            String loadBefore = load();
            CpuTime before = CpuTime.now(jdbc);
            ChainReport first = verifier.verify();
            CpuTime between = CpuTime.now(jdbc);
            ChainReport second = verifier.verify();
            CpuTime secondCpu = CpuTime.now(jdbc).since(between);
            CpuTime firstCpu = between.since(before);
            String loadAfter = load();
            assertThat(List.of(first.verdict(), second.verdict())).containsOnly(ChainVerdict.INTACT);
            assertThat(second.eventsChecked()).isEqualTo(events);

            String report = String.format(Locale.ROOT, """
                    # Event chain: sealing and verification

                    - %,d events generated in PostgreSQL in %.1f s (payload and metadata %,d bytes, %.0f bytes per event)
                    - checkpoints every 1,000 events: %,d signed checkpoints checked
                    - machine: %d logical CPUs, load average %s (1, 5, 15 min) before verifying, %s after
                    - CPU per million events verified: first pass %s; second pass %s

                    | step | time | events/s |
                    |---|---:|---:|
                    | seal (read, hash, store links, sign checkpoints) | %.1f s | %,d |
                    | verify, first pass | %.1f s | %,d |
                    | verify, second pass | %.1f s | %,d |
                    """, events, generated, storedBytes, (double) storedBytes / events, second.checkpointsChecked(),
                    Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, firstCpu.perMillion(events),
                    secondCpu.perMillion(events),
                    sealed, (long) (events / sealed), first.millis() / 1000.0, first.eventsPerSecond(),
                    second.millis() / 1000.0, second.eventsPerSecond());
            System.out.println(report);
            Files.writeString(Path.of("target/bench/chain-verification.md"), report);
        }
    }

    private static String load() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
