package org.openvdi.broker.kafka;

import org.openvdi.broker.integrity.api.SignedCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes each signed checkpoint of the event chain, as its note text, to the checkpoints topic, keyed by the
 * chain's origin: a copy outside the broker's hosts that auditors (the audit user) and witnesses can keep. The send
 * is not awaited and a failed one is only logged: the checkpoint is on disk already, and the next one vouches for
 * everything this one did.
 */
@Component
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class CheckpointPublisher {

    private static final Logger log = LoggerFactory.getLogger(CheckpointPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final KafkaSettings settings;

    CheckpointPublisher(KafkaTemplate<String, String> kafka, KafkaSettings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    @EventListener
    void on(SignedCheckpoint checkpoint) {
        try {
            kafka.send(settings.checkpointsTopic(), checkpoint.origin(), checkpoint.note()).whenComplete((sent, failure) -> {
                if (failure != null) {
                    log.warn("Publishing the checkpoint of {} events to {} failed: {}", checkpoint.size(),
                            settings.checkpointsTopic(), failure.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Publishing the checkpoint of {} events to {} failed: {}", checkpoint.size(),
                    settings.checkpointsTopic(), e.toString());
        }
    }
}
