package org.openvdi.broker.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The telemetry consumer's container: manual acknowledgement, and failed records retried with
 * exponential backoff (0.5 s doubling up to 30 s, for 15 minutes), so an outage of the database
 * delays telemetry instead of losing it. A record that cannot be read is logged and skipped at once.
 * A refused sign-in or authorization (Kafka started before its users were created, or an operator still
 * setting up ACLs) is retried every {@link #AUTH_RETRY} instead of stopping the consumer for good.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class TelemetryListenerConfiguration {

    static final String CONTAINER_FACTORY = "telemetryContainerFactory";
    static final Duration AUTH_RETRY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(TelemetryListenerConfiguration.class);

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, String> telemetryContainerFactory(
            ConsumerFactory<String, String> consumerFactory) {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(15 * 60_000);
        DefaultErrorHandler errors = new DefaultErrorHandler(TelemetryListenerConfiguration::giveUp, backOff);
        errors.addNotRetryableExceptions(JsonProcessingException.class, InvalidTelemetryException.class);
        ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory);
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL_IMMEDIATE);
        factory.getContainerProperties().setAuthExceptionRetryInterval(AUTH_RETRY);
        factory.setCommonErrorHandler(errors);
        return factory;
    }

    private static void giveUp(ConsumerRecord<?, ?> record, Exception failure) {
        log.error("Telemetry record {}-{}@{} (session {}) could not be recorded and is skipped", record.topic(),
                record.partition(), record.offset(), record.key(), failure);
    }
}
