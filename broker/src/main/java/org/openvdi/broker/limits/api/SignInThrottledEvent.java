package org.openvdi.broker.limits.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * Sign-ins with a user name or from a client address are refused until {@code until}, after {@code failures}
 * failed ones within the window. Recorded once when the ban starts, never for each refused attempt.
 * {@code nameKey} is the key of the name tried in the failure that started the ban: the hex SHA-256 of its
 * UTF-8 bytes, never the name itself (people type passwords into the name field); it need not be a user that
 * exists. Revision 1 carried the typed name as {@code userName}; it is ignored when such an event is read.
 */
@Revision("2")
public record SignInThrottledEvent(UUID guardId, ThrottledSubject subject, String nameKey, String clientAddress,
                                   int failures, Instant until) {
}
