package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.message.Encoding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.testsupport.CloudEventTopic;
import org.openvdi.broker.testsupport.KafkaTopic;
import org.openvdi.broker.testsupport.SharedPostgres;

/**
 * The publisher's process, driven directly on real parts ({@link PublicationHarness}: PostgreSQL event store, the
 * product's processor and producer settings, the in-process KRaft Kafka with SCRAM and ACLs), read back as a
 * SIEM would: as the audit user, with the CloudEvents SDK's Kafka deserializer.
 */
class CloudEventPublisherTest {

    private static final String BROKER_PASSWORD = "broker-pw";
    private static final Map<String, Object> AUDITOR = KafkaTopic.scram("openvdi-audit", "audit-pw");

    @TempDir
    Path kafkaDirectory;

    @BeforeEach
    void emptyStore() {
        SharedPostgres.truncate();
    }

    @Test
    void givenABacklogOfManyAggregates_whenPublished_thenEveryEventArrivesOnceInOrderPerKeyAsAValidCloudEvent() {
        KafkaSettings settings = PublicationHarness.settings(Encoding.BINARY, 100, 4, BROKER_PASSWORD);
        History history = new History(12);
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(kafkaDirectory, 0, KafkaAccess.of(settings));
             PublicationHarness harness = PublicationHarness.create(SharedPostgres.dataSource(), kafka.bootstrapServers(),
                     settings, Map.of());
             CloudEventTopic topic = new CloudEventTopic(kafka.bootstrapServers(), PublicationHarness.TOPIC, AUDITOR,
                     "openvdi-audit-backlog")) {
            for (int round = 0; round < 50; round++) {
                harness.append(history.round());
            }
            harness.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> harness.position() == harness.head());
            List<ConsumerRecord<String, CloudEvent>> records = topic.awaitRecords(r -> r.size() >= history.size(),
                    Duration.ofMinutes(1));

            assertThat(records).hasSize(history.size());
            assertThat(records).extracting(r -> r.value().getId()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(history.ids());
            assertInOrderPerKey(records, history);
            for (ConsumerRecord<String, CloudEvent> record : records) {
                CloudEvent event = record.value();
                DomainEventMessage<?> stored = history.byId(event.getId());
                assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
                assertThat(event.getSource()).isEqualTo(URI.create("urn:openvdi:broker:harness"));
                assertThat(event.getType()).isEqualTo("org.openvdi." + stored.getPayloadType().getSimpleName() + ".v1");
                assertThat(event.getSubject()).isEqualTo(stored.getAggregateIdentifier()).isEqualTo(record.key());
                // the store keeps milliseconds (and the broker stamps events so)
                assertThat(event.getTime().toInstant()).isEqualTo(stored.getTimestamp().truncatedTo(ChronoUnit.MILLIS));
                assertThat(event.getDataContentType()).isEqualTo("application/json");
                assertThat(event.getExtension("aggregatetype")).isEqualTo("Host");
                assertThat(event.getExtension("sequence")).isEqualTo(DomainCloudEvents.sequence(stored.getSequenceNumber()));
                assertThat(event.getExtension("actor")).isEqualTo("admin");
                JsonNode data = CloudEventTopic.data(event);
                assertThat(data.path("hostId").asText()).isEqualTo(stored.getAggregateIdentifier());
                assertThat(data.path("by").asText()).isEqualTo("admin");
                assertThat(record.headers().lastHeader("ce_id")).isNotNull();
            }
        }
    }

    @Test
    void givenStructuredEncoding_whenPublished_thenEachValueIsOneCloudEventsJsonDocument() throws IOException {
        KafkaSettings settings = PublicationHarness.settings(Encoding.STRUCTURED, 100, BROKER_PASSWORD);
        History history = new History(3);
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(kafkaDirectory, 0, KafkaAccess.of(settings));
             PublicationHarness harness = PublicationHarness.create(SharedPostgres.dataSource(), kafka.bootstrapServers(),
                     settings, Map.of());
             CloudEventTopic topic = new CloudEventTopic(kafka.bootstrapServers(), PublicationHarness.TOPIC, AUDITOR,
                     "openvdi-audit-structured");
             KafkaConsumer<String, byte[]> raw = rawConsumer(kafka.bootstrapServers(), "openvdi-audit-structured-raw")) {
            harness.append(history.round());
            harness.append(history.round());
            harness.start();
            List<ConsumerRecord<String, CloudEvent>> events = topic.awaitRecords(r -> r.size() >= 6, Duration.ofMinutes(1));
            List<ConsumerRecord<String, byte[]>> values = new ArrayList<>();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while (values.size() < 6 && Instant.now().isBefore(deadline)) {
                raw.poll(Duration.ofMillis(200)).forEach(values::add);
            }

            assertThat(events).extracting(r -> r.value().getId()).containsExactlyInAnyOrderElementsOf(history.ids());
            JsonNode document = new ObjectMapper().readTree(values.get(0).value());
            assertThat(new String(values.get(0).headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .startsWith("application/cloudevents+json");
            assertThat(values.get(0).headers().lastHeader("ce_id")).isNull();
            assertThat(document.path("specversion").asText()).isEqualTo("1.0");
            assertThat(document.path("type").asText()).startsWith("org.openvdi.Host");
            assertThat(document.path("subject").asText()).isEqualTo(values.get(0).key());
            assertThat(document.path("sequence").asText()).isEqualTo("0000000000000000000");
            assertThat(document.path("data").path("hostId").asText()).isEqualTo(values.get(0).key());
        }
    }

    @Test
    void givenKafkaStoppedAndRestartedMidStream_whenEventsKeepComing_thenNothingIsLostAndDuplicatesShareTheirId()
            throws Exception {
        KafkaSettings settings = PublicationHarness.settings(Encoding.BINARY, 50, 4, BROKER_PASSWORD);
        int port = freePort();
        History history = new History(20);
        AtomicBoolean writing = new AtomicBoolean(true);
        // shorter than the product's timeouts, so that the outage fails batches within the test's few seconds
        Map<String, Object> quick = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(kafkaDirectory, port, KafkaAccess.of(settings));
        try (PublicationHarness harness = PublicationHarness.create(SharedPostgres.dataSource(), kafka.bootstrapServers(),
                settings, quick);
             CloudEventTopic topic = new CloudEventTopic(kafka.bootstrapServers(), PublicationHarness.TOPIC, AUDITOR,
                     "openvdi-audit-restart")) {
            harness.start();
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    harness.append(history.round());
                    sleep(25);
                }
            }, "event-writer");
            writer.start();
            topic.awaitRecords(r -> r.size() >= 400, Duration.ofMinutes(1));

            kafka.close();
            await().atMost(Duration.ofMinutes(1)).until(harness::erroring);
            long storedWhileDown = harness.position();
            sleep(4000);
            // batches in flight when Kafka went away were never acknowledged: the stored position does not pass them
            assertThat(harness.position()).as("stored position while Kafka is down").isEqualTo(storedWhileDown);
            kafka = EmbeddedKafkaServer.start(kafkaDirectory, port, KafkaAccess.of(settings));
            sleep(2000);
            writing.set(false);
            writer.join();

            await().atMost(Duration.ofMinutes(2)).until(() -> harness.position() == harness.head());
            List<ConsumerRecord<String, CloudEvent>> records = topic.awaitRecords(
                    r -> r.stream().map(record -> record.value().getId()).collect(Collectors.toSet()).size() >= history.size(),
                    Duration.ofMinutes(1));

            Map<String, List<CloudEvent>> copies = records.stream().map(ConsumerRecord::value)
                    .collect(Collectors.groupingBy(CloudEvent::getId, LinkedHashMap::new, Collectors.toList()));
            assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(history.ids());
            copies.values().forEach(same -> assertThat(same).allSatisfy(copy -> {
                assertThat(copy.getSubject()).isEqualTo(same.get(0).getSubject());
                assertThat(copy.getExtension("sequence")).isEqualTo(same.get(0).getExtension("sequence"));
                assertThat(copy.getType()).isEqualTo(same.get(0).getType());
            }));
            assertInOrderPerKey(records, history);
            System.out.printf("Kafka restart: %d events stored, %d records read, %d duplicates%n", history.size(),
                    records.size(), records.size() - copies.size());
        } finally {
            writing.set(false);
            kafka.close();
        }
    }

    /** Per key, the first copy of each event comes in the aggregate's order, and none is missing. */
    private static void assertInOrderPerKey(List<ConsumerRecord<String, CloudEvent>> records, History history) {
        Map<String, List<Long>> sequences = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (ConsumerRecord<String, CloudEvent> record : records) {
            if (seen.add(record.value().getId())) {
                sequences.computeIfAbsent(record.key(), key -> new ArrayList<>())
                        .add(Long.parseLong((String) record.value().getExtension("sequence")));
            }
        }
        assertThat(sequences.keySet()).containsExactlyInAnyOrderElementsOf(history.aggregates());
        sequences.forEach((key, numbers) -> assertThat(numbers).as("sequence numbers of %s", key)
                .containsExactlyElementsOf(LongStream.range(0, history.count(key)).boxed().toList()));
    }

    private static KafkaConsumer<String, byte[]> rawConsumer(String bootstrapServers, String group) {
        Map<String, Object> config = new HashMap<>(AUDITOR);
        config.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(PublicationHarness.TOPIC));
        return consumer;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Hosts cordoned and drained by an admin, one event per host and round; what was stored, by id. */
    static final class History {

        private final List<UUID> hosts = new ArrayList<>();
        private final Map<String, Long> next = new HashMap<>();
        private final Map<String, DomainEventMessage<?>> byId = new java.util.concurrent.ConcurrentHashMap<>();

        History(int aggregates) {
            for (int i = 0; i < aggregates; i++) {
                hosts.add(UUID.randomUUID());
            }
        }

        synchronized List<DomainEventMessage<?>> round() {
            List<DomainEventMessage<?>> events = new ArrayList<>();
            for (UUID host : hosts) {
                long sequence = next.merge(host.toString(), 1L, Long::sum) - 1;
                Object payload = sequence % 2 == 0 ? new HostCordonedEvent(host, "maintenance " + sequence, "admin")
                        : new HostDrainStartedEvent(host, "maintenance " + sequence, "admin");
                DomainEventMessage<?> event = new GenericDomainEventMessage<>("Host", host.toString(), sequence, payload,
                        MetaData.with("user", "admin"));
                events.add(event);
                byId.put(event.getIdentifier(), event);
            }
            return events;
        }

        int size() {
            return byId.size();
        }

        Set<String> ids() {
            return Set.copyOf(byId.keySet());
        }

        DomainEventMessage<?> byId(String id) {
            return byId.get(id);
        }

        List<String> aggregates() {
            return hosts.stream().map(UUID::toString).toList();
        }

        synchronized long count(String aggregate) {
            return next.getOrDefault(aggregate, 0L);
        }
    }
}
