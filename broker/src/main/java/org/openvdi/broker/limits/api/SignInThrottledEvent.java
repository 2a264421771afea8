package org.openvdi.broker.limits.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * Sign-ins with a user name or from a client address are refused until {@code until}, after {@code failures}
 * failed ones within the window. Recorded once when the ban starts, never for each refused attempt.
 * {@code userName} is the name of the failure that started the ban, at most 64 characters, with control and
 * bidirectional formatting characters replaced by {@code ?}; it need not be a user that exists.
 */
@Revision("1")
public record SignInThrottledEvent(UUID guardId, ThrottledSubject subject, String userName, String clientAddress,
                                   int failures, Instant until) {
}
