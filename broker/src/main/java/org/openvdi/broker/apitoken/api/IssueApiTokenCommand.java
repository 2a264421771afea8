package org.openvdi.broker.apitoken.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Issues an API token to {@code user}; only its SHA-256 is kept, the token itself is shown once. */
public record IssueApiTokenCommand(@TargetAggregateIdentifier UUID tokenId, String user, String name, String tokenSha256,
                                   Instant expiresAt) {
}
