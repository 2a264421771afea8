package org.openvdi.broker.kafka;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Tells a refused Kafka sign-in or permission from any other failed send. After one, an idempotent producer
 * never sends again and must be replaced; after a plain outage it recovers by itself, and replacing it only
 * costs a close that waits for its pending records.
 */
final class KafkaSignInRefusal {

    private static final int MAX_CAUSES = 20;

    private KafkaSignInRefusal() {
    }

    /** Whether {@code failure} or one of its causes is Kafka's authentication or authorization error. */
    static boolean causedBy(Throwable failure) {
        Throwable cause = failure;
        for (int i = 0; cause != null && i < MAX_CAUSES; i++, cause = cause.getCause()) {
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }
}
