package org.openvdi.broker.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The topics the broker writes and reads; created at start when Kafka is reachable and they are missing. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class KafkaTopicsConfiguration {

    @Bean
    NewTopic eventsTopic(KafkaSettings settings) {
        return new NewTopic(settings.eventsTopic(), settings.partitions(), settings.replicas());
    }

    /** One partition: the checkpoints keep the order they were signed in. */
    @Bean
    NewTopic checkpointsTopic(KafkaSettings settings) {
        return new NewTopic(settings.checkpointsTopic(), 1, settings.replicas());
    }

    @Bean
    NewTopic connectionsTopic(KafkaSettings settings) {
        return new NewTopic(settings.connectionsTopic(), settings.partitions(), settings.replicas());
    }
}
