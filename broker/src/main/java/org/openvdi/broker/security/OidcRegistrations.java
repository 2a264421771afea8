package org.openvdi.broker.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The broker's one client registration ({@value #ID}) at its OpenID Connect provider. The provider's discovery
 * document is read at the first sign-in, not at start, so that the broker starts (and local users sign in) while the
 * provider is down; a failed read is tried again at the next sign-in. The read is bounded by the provider timeouts
 * ({@link ProviderRequests}), so a provider that never answers holds the sign-ins waiting for it only that long.
 */
final class OidcRegistrations implements ClientRegistrationRepository {

    static final String ID = "oidc";
    private static final Logger log = LoggerFactory.getLogger(OidcRegistrations.class);

    private final OidcProperties properties;
    private volatile ClientRegistration registration;

    OidcRegistrations(OidcProperties properties) {
        this.properties = properties;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (registration == null) {
                registration = discover();
            }
            return registration;
        }
    }

    private ClientRegistration discover() {
        try {
            return ClientRegistrations.fromOidcConfiguration(ProviderRequests.discovery(properties))
                    .registrationId(ID)
                    .clientName(properties.displayName())
                    .clientId(properties.clientId())
                    .clientSecret(properties.confidential() ? properties.clientSecret() : null)
                    .clientAuthenticationMethod(properties.confidential() ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
                            : ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                    .scope(scopes())
                    .userNameAttributeName(properties.usernameClaim())
                    .build();
        } catch (RuntimeException e) {
            log.error("Could not read the OpenID Connect provider's configuration at {}", properties.issuerUri(), e);
            throw new OidcProviderUnavailableException(e);
        }
    }

    private java.util.Set<String> scopes() {
        java.util.Set<String> scopes = new java.util.LinkedHashSet<>(properties.scopes());
        scopes.add("openid");
        return scopes;
    }

    /** The provider's configuration could not be read: the sign-in cannot start now. */
    static final class OidcProviderUnavailableException extends RuntimeException {
        OidcProviderUnavailableException(Throwable cause) {
            super("The identity provider is unavailable", cause);
        }
    }
}
