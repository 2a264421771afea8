package org.openvdi.broker.kafka;

import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;

/**
 * Signs the broker's Kafka clients (producer, consumers, admin) in with SASL/SCRAM-SHA-512 as
 * {@code openvdi.kafka.username} when a password is set (or Kafka is embedded): it adds
 * {@code security.protocol}, {@code sasl.mechanism} and an escaped {@code sasl.jaas.config} to
 * {@code spring.kafka.properties} before any client factory reads them. Keys set there explicitly win,
 * so another mechanism (or mutual TLS through {@code spring.kafka.ssl.*}) can be configured instead.
 */
class KafkaClientSecurity implements BeanPostProcessor {

    static final String MECHANISM = "SCRAM-SHA-512";

    private final ObjectProvider<KafkaSettings> settings;

    KafkaClientSecurity(ObjectProvider<KafkaSettings> settings) {
        this.settings = settings;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof KafkaProperties kafka) {
            settings.getObject().clientCredentials().ifPresent(credentials -> apply(kafka.getProperties(), credentials));
        }
        return bean;
    }

    static void apply(Map<String, String> properties, KafkaCredentials credentials) {
        properties.putIfAbsent("security.protocol", "SASL_PLAINTEXT");
        properties.putIfAbsent("sasl.mechanism", MECHANISM);
        properties.putIfAbsent("sasl.jaas.config", credentials.jaasConfig(KafkaCredentials.SCRAM_MODULE));
    }
}
