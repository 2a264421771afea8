package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes to and reads from one topic of a real Kafka broker, as a gateway or an auditor would. */
public final class KafkaTopic implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;
    private final String topic;
    private final Map<String, Object> security;
    private final String group;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public KafkaTopic(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of(), "test-" + UUID.randomUUID());
    }

    /**
     * @param security client properties that sign in ({@link #scram}), added to the producer's and consumer's
     * @param group    the consumer's group
     */
    public KafkaTopic(String bootstrapServers, String topic, Map<String, Object> security, String group) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.security = Map.copyOf(security);
        this.group = group;
    }

    /** Client properties that sign in with SASL/SCRAM-SHA-512 over plaintext, as the product's clients do. */
    public static Map<String, Object> scram(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    private Map<String, Object> with(Map<String, Object> config) {
        Map<String, Object> all = new java.util.HashMap<>(config);
        all.putAll(security);
        return all;
    }

    /** Sends one record and waits until Kafka has it. */
    public void send(String key, String value) {
        if (producer == null) {
            producer = new KafkaProducer<>(with(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000)));
        }
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not send to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads the topic from its beginning until the records with that key match, or the timeout passes. */
    public List<JsonNode> awaitRecords(String key, Predicate<List<JsonNode>> done, Duration timeout) {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(with(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)));
            consumer.subscribe(List.of(topic));
        }
        Instant deadline = Instant.now().plus(timeout);
        List<JsonNode> records = recordsOf(key);
        while (!done.test(records) && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
            records = recordsOf(key);
        }
        return records;
    }

    private List<JsonNode> recordsOf(String key) {
        List<JsonNode> records = new ArrayList<>();
        for (ConsumerRecord<String, String> record : seen) {
            if (key.equals(record.key())) {
                try {
                    records.add(JSON.readTree(record.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException("Record on " + topic + " is not JSON: " + record.value(), e);
                }
            }
        }
        return records;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
