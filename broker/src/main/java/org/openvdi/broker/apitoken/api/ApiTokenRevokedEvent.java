package org.openvdi.broker.apitoken.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The token stops working at once. {@code revokedBy} is its owner or an admin. */
@Revision("1")
public record ApiTokenRevokedEvent(UUID tokenId, String user, String revokedBy) {
}
