package org.openvdi.broker.security;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Access tokens that the OpenID Connect provider issued, presented by API clients as {@code Authorization: Bearer}:
 * a JWT signed with one of the provider's keys (read from its discovery document at the first use, so the broker
 * starts while the provider is down), issued by the configured issuer, unexpired, and meant for the broker (its
 * audience names the configured audience, by default the broker's client id). The user and roles come from the
 * token's claims exactly as at an interactive sign-in ({@link OidcUserMapping}).
 */
final class ProviderAccessTokens {

    private static final Logger log = LoggerFactory.getLogger(ProviderAccessTokens.class);
    /** Three base64url parts; a signed JWT, never one of the broker's own API tokens. */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    static final int MAX_LENGTH = 16 * 1024;

    /** What a presented access token is worth. */
    sealed interface Verdict {
    }

    record Accepted(String user, List<GrantedAuthority> authorities) implements Verdict {
    }

    record Refused(String reason) implements Verdict {
    }

    record ProviderUnreachable() implements Verdict {
    }

    private final OidcProperties properties;
    private final OidcUserMapping mapping;
    private final AtomicReference<NimbusJwtDecoder> decoder = new AtomicReference<>();

    ProviderAccessTokens(OidcProperties properties, UserDirectory users) {
        this.properties = properties;
        this.mapping = new OidcUserMapping(properties, users);
    }

    /** Whether a presented bearer token has a JWT's shape (the broker's own API tokens never do). */
    static boolean looksLikeJwt(String token) {
        return token.length() <= MAX_LENGTH && JWT.matcher(token).matches();
    }

    Verdict verify(String token) {
        Optional<NimbusJwtDecoder> keys = decoder();
        if (keys.isEmpty()) {
            return new ProviderUnreachable();
        }
        try {
            var jwt = keys.get().decode(token);
            OidcUserMapping.Mapped mapped = mapping.mapped(jwt.getClaims());
            return new Accepted(mapped.identity().name(),
                    SignInAuthorities.of(mapped.roles(), mapped.identity().groups()));
        } catch (OidcUserMapping.Unmapped e) {
            return new Refused(e.getMessage());
        } catch (JwtException e) {
            log.debug("Access token refused: {}", e.getMessage());
            return new Refused("The access token is not valid here");
        }
    }

    private Optional<NimbusJwtDecoder> decoder() {
        NimbusJwtDecoder known = decoder.get();
        if (known != null) {
            return Optional.of(known);
        }
        try {
            NimbusJwtDecoder made = (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(properties.issuerUri());
            made.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                    JwtValidators.createDefaultWithIssuer(properties.issuerUri()),
                    new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                            audience -> audience != null && audience.contains(properties.accessTokenAudience()))));
            decoder.compareAndSet(null, made);
            return Optional.of(decoder.get());
        } catch (RuntimeException e) {
            log.warn("The identity provider {} could not be asked for its keys: {}", properties.issuerUri(),
                    e.getMessage());
            return Optional.empty();
        }
    }
}
