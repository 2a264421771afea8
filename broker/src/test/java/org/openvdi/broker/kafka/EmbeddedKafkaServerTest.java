package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.testsupport.KafkaTopic;

/**
 * The in-process KRaft Kafka of {@code ./vdi up}: formats once, serves clients, keeps its records across restarts,
 * and lets nobody in without a password, nor anyone further than its ACLs allow.
 */
class EmbeddedKafkaServerTest {

    static final String EVENTS = "openvdi.events";
    static final String CONNECTIONS = "openvdi.connections";
    static final KafkaCredentials BROKER = new KafkaCredentials("openvdi-broker", "broker-pw");
    static final KafkaCredentials GATEWAY = new KafkaCredentials("openvdi-gateway", "gateway \"pw\\");
    static final KafkaCredentials AUDIT = new KafkaCredentials("openvdi-audit", "audit-pw");
    static final KafkaAccess ACCESS = new KafkaAccess(BROKER, Optional.of(GATEWAY), Optional.of(AUDIT), EVENTS,
            CONNECTIONS, "openvdi-broker", 1, "openvdi.checkpoints");

    @TempDir
    Path directory;

    @Test
    void givenFreshDirectory_whenStartedWrittenAndRestarted_thenRecordsSurviveTheRestart() {
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(directory, 0, ACCESS);
             KafkaTopic topic = asBroker(kafka, EVENTS)) {
            createTopics(kafka);
            topic.send("k", "{\"n\":1}");
        }
        assertThat(directory.resolve("server.properties")).exists();
        assertThat(directory.resolve("logs").resolve("meta.properties")).exists();

        List<JsonNode> records;
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(directory, 0, ACCESS);
             KafkaTopic topic = asBroker(kafka, EVENTS);
             KafkaTopic audit = new KafkaTopic(kafka.bootstrapServers(), EVENTS, scram(AUDIT), "openvdi-audit-restart")) {
            topic.send("k", "{\"n\":2}");
            records = audit.awaitRecords("k", r -> r.size() >= 2, Duration.ofSeconds(60));
        }

        assertThat(records).extracting(r -> r.path("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void givenPortInUse_whenStarted_thenClearErrorBeforeAnythingIsWritten() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EmbeddedKafkaServer.start(directory, taken.getLocalPort(), ACCESS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " for the embedded Kafka is in use");
        }
        assertThat(Files.exists(directory.resolve("logs"))).isFalse();
    }

    /** One Kafka for every access check: starting one takes seconds. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Access {

        Path home;
        EmbeddedKafkaServer kafka;

        @BeforeAll
        void start(@TempDir Path home) {
            this.home = home;
            kafka = EmbeddedKafkaServer.start(home, 0, ACCESS);
            createTopics(kafka);
        }

        @AfterAll
        void stop() {
            kafka.close();
        }

        @Test
        void givenStartedKafka_whenItsFilesAreRead_thenNoPasswordIsInThem() throws Exception {
            String config = Files.readString(home.resolve("server.properties"));

            assertThat(config).doesNotContain("jaas").doesNotContain(BROKER.password()).contains("allow.everyone.if.no.acl.found=false");
        }

        @Test
        void givenGatewayUser_whenItWritesConnections_thenKafkaTakesTheRecord() {
            try (KafkaTopic connections = new KafkaTopic(kafka.bootstrapServers(), CONNECTIONS, scram(GATEWAY), "none")) {
                connections.send("session", "{\"type\":\"OPENED\"}");
            }
        }

        @Test
        void givenGatewayUser_whenItWritesEvents_thenTopicAuthorizationFails() {
            try (KafkaTopic events = new KafkaTopic(kafka.bootstrapServers(), EVENTS, scram(GATEWAY), "none")) {
                assertThatThrownBy(() -> events.send("k", "{\"type\":\"SessionEndedEvent\"}"))
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            }
        }

        @Test
        void givenGatewayUser_whenItReadsConnections_thenTopicAuthorizationFails() {
            assertThatThrownBy(() -> readAssigned(GATEWAY, CONNECTIONS)).isInstanceOf(TopicAuthorizationException.class);
        }

        @Test
        void givenAuditUser_whenItReadsEvents_thenItGetsThem() {
            try (KafkaTopic events = asBroker(kafka, EVENTS);
                 KafkaTopic audit = new KafkaTopic(kafka.bootstrapServers(), EVENTS, scram(AUDIT), "openvdi-audit-siem")) {
                events.send("aggregate-1", "{\"type\":\"SessionRequestedEvent\"}");

                assertThat(audit.awaitRecords("aggregate-1", r -> !r.isEmpty(), Duration.ofSeconds(30))).hasSize(1);
            }
        }

        @Test
        void givenAuditUser_whenItReadsCheckpoints_thenItGetsThemButCannotWriteOne() {
            try (KafkaTopic checkpoints = asBroker(kafka, ACCESS.checkpointsTopic());
                 KafkaTopic audit = new KafkaTopic(kafka.bootstrapServers(), ACCESS.checkpointsTopic(), scram(AUDIT),
                         "openvdi-audit-witness")) {
                checkpoints.send("openvdi.local/event-chain", "{\"size\":20}");

                assertThat(audit.awaitRecords("openvdi.local/event-chain", r -> !r.isEmpty(), Duration.ofSeconds(30)))
                        .hasSize(1);
                // it may not even start a producer id: it has no write grant at all
                assertThatThrownBy(() -> audit.send("openvdi.local/event-chain", "{\"size\":99}"))
                        .hasRootCauseInstanceOf(AuthorizationException.class);
            }
        }

        @Test
        void givenAuditUser_whenItReadsConnectionsOrWritesEvents_thenTopicAuthorizationFails() {
            assertThatThrownBy(() -> readAssigned(AUDIT, CONNECTIONS)).isInstanceOf(TopicAuthorizationException.class);
            try (KafkaTopic events = new KafkaTopic(kafka.bootstrapServers(), EVENTS, scram(AUDIT), "none")) {
                // it may not even start a producer id: it has no write grant at all
                assertThatThrownBy(() -> events.send("k", "{}")).hasRootCauseInstanceOf(AuthorizationException.class);
            }
        }

        @Test
        void givenBrokerUser_whenItReadsConnectionsInItsGroup_thenItGetsWhatTheGatewayWrote() {
            try (KafkaTopic gateway = new KafkaTopic(kafka.bootstrapServers(), CONNECTIONS, scram(GATEWAY), "none");
                 KafkaTopic broker = new KafkaTopic(kafka.bootstrapServers(), CONNECTIONS, scram(BROKER), "openvdi-broker")) {
                gateway.send("session-2", "{\"type\":\"CLOSED\"}");

                assertThat(broker.awaitRecords("session-2", r -> !r.isEmpty(), Duration.ofSeconds(30))).hasSize(1);
            }
        }

        @Test
        void givenWrongPassword_whenAClientSignsIn_thenAuthenticationFails() {
            KafkaCredentials wrong = new KafkaCredentials(GATEWAY.username(), "not-the-password");
            try (KafkaTopic connections = new KafkaTopic(kafka.bootstrapServers(), CONNECTIONS, scram(wrong), "none")) {
                assertThatThrownBy(() -> connections.send("k", "{}")).hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
        }

        @Test
        void givenNoCredentials_whenAClientWrites_thenNothingIsWritten() {
            Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
            try (KafkaProducer<String, String> anonymous = new KafkaProducer<>(config)) {
                assertThatThrownBy(() -> anonymous.send(new ProducerRecord<>(CONNECTIONS, "k", "{}")).get(10, TimeUnit.SECONDS))
                        .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
            }
        }

        private void readAssigned(KafkaCredentials user, String topic) {
            Map<String, Object> config = new HashMap<>(scram(user));
            config.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                for (int i = 0; i < 40; i++) {
                    consumer.poll(Duration.ofMillis(250));
                }
            }
        }
    }

    static Map<String, Object> scram(KafkaCredentials user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", user.jaasConfig(KafkaCredentials.SCRAM_MODULE));
    }

    static KafkaTopic asBroker(EmbeddedKafkaServer kafka, String topic) {
        return new KafkaTopic(kafka.bootstrapServers(), topic, scram(BROKER), "openvdi-broker");
    }

    /** As the broker does at start, under its own CREATE grants. */
    static void createTopics(EmbeddedKafkaServer kafka) {
        Map<String, Object> config = new HashMap<>(scram(BROKER));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(EVENTS, 1, (short) 1), new NewTopic(CONNECTIONS, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        }
    }
}
