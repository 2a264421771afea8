package org.openvdi.broker.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers {@link KafkaClientSecurity}, early, as a post-processor. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class KafkaClientSecurityConfiguration {

    @Bean
    static KafkaClientSecurity kafkaClientSecurity(ObjectProvider<KafkaSettings> settings) {
        return new KafkaClientSecurity(settings);
    }
}
