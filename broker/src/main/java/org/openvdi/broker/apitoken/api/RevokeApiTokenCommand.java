package org.openvdi.broker.apitoken.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Revokes an API token at once; revoking it again changes nothing. */
public record RevokeApiTokenCommand(@TargetAggregateIdentifier UUID tokenId) {
}
