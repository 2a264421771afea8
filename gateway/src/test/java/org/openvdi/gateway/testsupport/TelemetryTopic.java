package org.openvdi.gateway.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the gateway's telemetry topic from the start, keeping every record, for assertions per session. */
public final class TelemetryTopic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public TelemetryTopic(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(topic));
    }

    /** Waits until {@code count} records keyed by the session arrived and returns them in order. */
    public List<JsonNode> awaitRecords(UUID sessionId, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<JsonNode> records = recordsOf(sessionId);
        while (records.size() < count && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            records = recordsOf(sessionId);
        }
        return records;
    }

    private List<JsonNode> recordsOf(UUID sessionId) {
        List<JsonNode> records = new ArrayList<>();
        for (ConsumerRecord<String, String> record : seen) {
            if (sessionId.toString().equals(record.key())) {
                try {
                    records.add(JSON.readTree(record.value()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("telemetry record is not JSON: " + record.value(), e);
                }
            }
        }
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
