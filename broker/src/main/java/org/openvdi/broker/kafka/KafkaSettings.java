package org.openvdi.broker.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The broker's use of Kafka. The bootstrap servers come from {@code spring.kafka.bootstrap-servers}
 * unless the broker runs Kafka itself.
 *
 * @param enabled            off: no event publication and no telemetry consumption; the broker works without Kafka
 * @param embedded           start an in-process single-node KRaft Kafka (the demo profile does), for {@code ./vdi up}
 * @param embeddedPort       its client port on 127.0.0.1 (0 picks a free one)
 * @param embeddedDirectory  its configuration and log segments, kept across restarts
 * @param eventsTopic        where every domain event is published, keyed by aggregate id
 * @param connectionsTopic   where gateways report connections opened and closed, keyed by session id
 * @param telemetryGroup     consumer group of the brokers reading {@code connectionsTopic}
 * @param partitions         partitions of the topics the broker creates when they are missing
 * @param replicas           their replication factor
 * @param sendTimeout        how long publishing one event may take before the publisher retries
 */
@ConfigurationProperties("openvdi.kafka")
public record KafkaSettings(@DefaultValue("true") boolean enabled,
                            @DefaultValue("false") boolean embedded,
                            @DefaultValue("9092") int embeddedPort,
                            @DefaultValue("data/kafka") String embeddedDirectory,
                            @DefaultValue("openvdi.events") String eventsTopic,
                            @DefaultValue("openvdi.connections") String connectionsTopic,
                            @DefaultValue("openvdi-broker") String telemetryGroup,
                            @DefaultValue("3") int partitions,
                            @DefaultValue("1") short replicas,
                            @DefaultValue("15s") Duration sendTimeout) {
}
