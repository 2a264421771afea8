package org.openvdi.broker.kafka;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * With {@code openvdi.kafka.embedded=true}, starts the in-process Kafka and points every Kafka
 * client of the broker at it. Producers, consumers and the admin depend on the connection details,
 * so Kafka is up before any of them, and the listeners start only after every bean is created.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${openvdi.kafka.enabled:true} and ${openvdi.kafka.embedded:false}")
class EmbeddedKafkaConfiguration {

    /** The server side of Kafka logs hundreds of lines at INFO while it starts; its clients keep their level. */
    private static final List<String> SERVER_LOGGERS = List.of("kafka", "state.change.logger", "org.apache.kafka.server",
            "org.apache.kafka.raft", "org.apache.kafka.controller", "org.apache.kafka.image", "org.apache.kafka.metadata",
            "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue",
            "org.apache.kafka.security", "org.apache.kafka.snapshot");

    @Bean(destroyMethod = "close")
    EmbeddedKafkaServer embeddedKafkaServer(KafkaSettings settings, Environment environment) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        SERVER_LOGGERS.stream().filter(name -> !environment.containsProperty("logging.level." + name))
                .forEach(name -> logging.setLogLevel(name, LogLevel.WARN));
        return EmbeddedKafkaServer.start(Path.of(settings.embeddedDirectory()), settings.embeddedPort(), KafkaAccess.of(settings));
    }

    @Bean
    KafkaConnectionDetails embeddedKafkaConnectionDetails(EmbeddedKafkaServer server) {
        return () -> List.of(server.bootstrapServers());
    }
}
