package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.testsupport.KafkaTopic;

/** The in-process KRaft Kafka of {@code ./vdi up}: formats once, serves clients, keeps its records across restarts. */
class EmbeddedKafkaServerTest {

    @TempDir
    Path directory;

    @Test
    void givenFreshDirectory_whenStartedWrittenAndRestarted_thenRecordsSurviveTheRestart() {
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(directory, 0);
             KafkaTopic topic = new KafkaTopic(kafka.bootstrapServers(), "restart-check")) {
            topic.send("k", "{\"n\":1}");
        }
        assertThat(directory.resolve("server.properties")).exists();
        assertThat(directory.resolve("logs").resolve("meta.properties")).exists();

        List<JsonNode> records;
        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(directory, 0);
             KafkaTopic topic = new KafkaTopic(kafka.bootstrapServers(), "restart-check")) {
            topic.send("k", "{\"n\":2}");
            records = topic.awaitRecords("k", r -> r.size() >= 2, Duration.ofSeconds(60));
        }

        assertThat(records).extracting(r -> r.path("n").asInt()).containsExactly(1, 2);
    }

    @Test
    void givenPortInUse_whenStarted_thenClearErrorBeforeAnythingIsWritten() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EmbeddedKafkaServer.start(directory, taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " for the embedded Kafka is in use");
        }
        assertThat(Files.exists(directory.resolve("logs"))).isFalse();
    }
}
