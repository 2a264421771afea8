package org.openvdi.broker.kafka;

/** An event could not be published to Kafka; the publisher's processor retries it from the same position. */
class KafkaPublishException extends RuntimeException {

    KafkaPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
