package org.openvdi.broker.security;

import java.util.Optional;
import java.util.UUID;

/** Looks up the API tokens that clients present as {@code Authorization: Bearer <token>}. */
public interface BearerTokens {

    /** A token that may be used now: its id and whose it is. */
    record Holder(UUID tokenId, String user) {
    }

    /** The holder of a presented token, when it is known, unexpired and not revoked. */
    Optional<Holder> holderOf(String presentedToken);
}
