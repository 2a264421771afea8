package org.openvdi.gateway.telemetry;

import java.time.Duration;

import org.springframework.boot.autoconfigure.kafka.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long the Kafka producer may take to close when the gateway stops. It closes right after
 * {@link ConnectionTelemetry} flushed it: what Kafka did not take by then it is not going to take soon, so the
 * producer does not wait the default 30 s for records it still holds (with Kafka gone, until they expire).
 */
@Configuration(proxyBeanMethods = false)
class TelemetryProducerConfiguration {

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    @Bean
    DefaultKafkaProducerFactoryCustomizer producerCloseTimeout() {
        return factory -> factory.setPhysicalCloseTimeout((int) CLOSE_TIMEOUT.toSeconds());
    }
}
