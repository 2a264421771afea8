package org.openvdi.gateway.telemetry;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.kafka.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The telemetry producer's sign-in and shutdown. It signs in as {@link KafkaLoginSettings} say, unless the
 * security keys are set in the Spring Kafka properties themselves. It may take {@link #CLOSE_TIMEOUT} to close
 * when the gateway stops: it closes right after {@link ConnectionTelemetry} flushed it, and what Kafka did not take
 * by then it is not going to take soon, so the producer does not wait the default 30 s for records it still holds
 * (with Kafka gone, until they expire).
 */
@Configuration(proxyBeanMethods = false)
class TelemetryProducerConfiguration {

    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    @Bean
    DefaultKafkaProducerFactoryCustomizer producerCloseTimeout() {
        return factory -> factory.setPhysicalCloseTimeout((int) CLOSE_TIMEOUT.toSeconds());
    }

    @Bean
    DefaultKafkaProducerFactoryCustomizer producerLogin(KafkaLoginSettings login, KafkaProperties kafka) {
        return factory -> {
            if (!login.signsIn()) {
                return;
            }
            Map<String, Object> configured = new HashMap<>(kafka.getProperties());
            configured.putAll(kafka.getProducer().getProperties());
            Map<String, Object> missing = new HashMap<>(login.producerProperties());
            missing.keySet().removeAll(configured.keySet());
            factory.updateConfigs(missing);
        };
    }
}
