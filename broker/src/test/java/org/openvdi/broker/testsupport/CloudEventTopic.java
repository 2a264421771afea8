package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the domain event stream as a consumer of CloudEvents would: with the CloudEvents SDK's Kafka
 * deserializer ({@link CloudEventDeserializer}), which takes binary and structured mode alike.
 */
public final class CloudEventTopic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, CloudEvent> consumer;
    private final List<ConsumerRecord<String, CloudEvent>> seen = new ArrayList<>();

    public CloudEventTopic(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of(), "test-" + UUID.randomUUID());
    }

    /**
     * @param security client properties that sign in ({@link KafkaTopic#scram}), added to the consumer's
     * @param group    the consumer's group
     */
    public CloudEventTopic(String bootstrapServers, String topic, Map<String, Object> security, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        config.putAll(security);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new CloudEventDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Reads the topic from its beginning until the events with that key (aggregate id) match, or the timeout passes. */
    public List<CloudEvent> awaitEvents(String key, Predicate<List<CloudEvent>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<CloudEvent> events = eventsOf(key);
        while (!done.test(events) && Instant.now().isBefore(deadline)) {
            poll();
            events = eventsOf(key);
        }
        return events;
    }

    /** Reads the topic from its beginning until all records read so far match, or the timeout passes. */
    public List<ConsumerRecord<String, CloudEvent>> awaitRecords(Predicate<List<ConsumerRecord<String, CloudEvent>>> done,
                                                                 Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(seen) && Instant.now().isBefore(deadline)) {
            poll();
        }
        return List.copyOf(seen);
    }

    /** The event's data, the domain event's fields, as JSON. */
    public static JsonNode data(CloudEvent event) {
        try {
            return JSON.readTree(event.getData().toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("The data of " + event.getId() + " is not JSON", e);
        }
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
    }

    private List<CloudEvent> eventsOf(String key) {
        return seen.stream().filter(record -> key.equals(record.key())).map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
