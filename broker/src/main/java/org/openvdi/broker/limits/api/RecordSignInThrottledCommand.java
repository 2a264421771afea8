package org.openvdi.broker.limits.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Records that a ban on a user name or a client address started; a ban that is already recorded (same or
 * earlier end) is a no-op. The name is the key
 * of the name tried (its hex SHA-256), never the name itself.
 */
public record RecordSignInThrottledCommand(@TargetAggregateIdentifier UUID guardId, ThrottledSubject subject,
                                           String nameKey, String clientAddress, int failures, Instant until) {
}
