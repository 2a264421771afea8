package org.openvdi.broker.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in through an OpenID Connect provider (Keycloak, Entra ID, ...): the authorization code flow with PKCE, roles
 * from the groups the ID token or the user-info answer names, and single logout at the provider. Off by default.
 *
 * @param enabled       whether the sign-in page offers the provider
 * @param displayName   shown on the sign-in page as "Sign in with ..."
 * @param issuerUri     the provider's issuer; its {@code /.well-known/openid-configuration} is read at the first sign-in
 * @param clientId      the broker's client id at the provider
 * @param clientSecret  the client secret; empty for a public client (PKCE is used either way)
 * @param scopes        the scopes asked for ({@code openid} is always among them)
 * @param usernameClaim the claim that names the user in the broker (must not name a local user)
 * @param groupClaims   the claims that list the user's groups or roles (a list or a single string each)
 * @param roleMappings  which groups give which product roles; a user with none of them is refused
 * @param singleLogout  whether signing out also ends the session at the provider (its {@code end_session_endpoint})
 * @param accessTokens  whether API clients may present the provider's JWT access tokens as {@code Bearer} tokens
 * @param audience      the audience such an access token must name; the client id when empty
 * @param discoveryRetry    after the provider's discovery document could not be read, access tokens are answered
 *                          503 at once for this long before the provider is asked again; each further failure
 *                          doubles the wait
 * @param discoveryRetryMax the longest such wait
 * @param connectTimeout    how long a request to the provider (its discovery document, its keys) waits for the
 *                          connection to open
 * @param readTimeout       how long such a request waits for the provider's answer once connected
 */
@ConfigurationProperties("openvdi.security.oidc")
record OidcProperties(@DefaultValue("false") boolean enabled,
                      @DefaultValue("single sign-on") String displayName,
                      String issuerUri,
                      String clientId,
                      String clientSecret,
                      @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
                      @DefaultValue("preferred_username") String usernameClaim,
                      @DefaultValue("groups") List<String> groupClaims,
                      @DefaultValue List<RoleMapping> roleMappings,
                      @DefaultValue("true") boolean singleLogout,
                      @DefaultValue("true") boolean accessTokens,
                      String audience,
                      @DefaultValue("2s") Duration discoveryRetry,
                      @DefaultValue("1m") Duration discoveryRetryMax,
                      @DefaultValue("2s") Duration connectTimeout,
                      @DefaultValue("5s") Duration readTimeout) {

    OidcProperties {
        if (enabled && (issuerUri == null || issuerUri.isBlank() || clientId == null || clientId.isBlank())) {
            throw new IllegalStateException("openvdi.security.oidc needs an issuer-uri and a client-id when enabled");
        }
        if (enabled && roleMappings.isEmpty()) {
            throw new IllegalStateException("openvdi.security.oidc needs role-mappings when enabled: nobody could sign in");
        }
        if (discoveryRetry.isNegative() || discoveryRetry.isZero() || discoveryRetryMax.compareTo(discoveryRetry) < 0) {
            throw new IllegalStateException(
                    "openvdi.security.oidc.discovery-retry must be positive and at most discovery-retry-max");
        }
        if (!positive(connectTimeout) || !positive(readTimeout)) {
            throw new IllegalStateException(
                    "openvdi.security.oidc.connect-timeout and read-timeout must be positive: without them a provider "
                            + "that never answers holds requests indefinitely");
        }
    }

    private static boolean positive(Duration timeout) {
        return timeout != null && !timeout.isNegative() && !timeout.isZero();
    }

    String accessTokenAudience() {
        return audience == null || audience.isBlank() ? clientId : audience;
    }

    boolean confidential() {
        return clientSecret != null && !clientSecret.isBlank();
    }
}
