package org.openvdi.broker.security;

import java.util.UUID;
import org.springframework.security.core.Authentication;

/** The details of a request signed in with an API token: which token. */
public record TokenAuthenticated(UUID tokenId) {

    /** Whether this sign-in came from an API token rather than the user's password. */
    public static boolean by(Authentication authentication) {
        return authentication != null && authentication.getDetails() instanceof TokenAuthenticated;
    }
}
