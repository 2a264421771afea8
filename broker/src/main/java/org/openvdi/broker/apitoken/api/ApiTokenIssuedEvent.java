package org.openvdi.broker.apitoken.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A user signed in once and got an API token to use instead of their password until it expires.
 *
 * @param user        whose token it is: requests with it act as this user, with their roles at the time of each request
 * @param name        the user's label for it (for example the script that uses it)
 * @param tokenSha256 the SHA-256 of the token, hex; the token itself is never stored
 */
@Revision("1")
public record ApiTokenIssuedEvent(UUID tokenId, String user, String name, String tokenSha256, Instant expiresAt) {
}
