package org.openvdi.broker.security;

import com.nimbusds.jose.KeySourceException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Access tokens that the OpenID Connect provider issued, presented by API clients as {@code Authorization: Bearer}:
 * a JWT signed with one of the provider's keys (read from its discovery document at the first use, so the broker
 * starts while the provider is down), issued by the configured issuer, unexpired, and meant for the broker (its
 * audience names the configured audience, by default the broker's client id). The user and roles come from the
 * token's claims exactly as at an interactive sign-in ({@link OidcUserMapping}).
 *
 * <p>While the provider cannot be asked for its discovery document, every access token is answered
 * {@link ProviderUnreachable} at once, without asking it again, for {@code discovery-retry}; each further failure
 * doubles that wait up to {@code discovery-retry-max}. After the wait, one request asks again (the others meanwhile
 * still answer at once) and, once the provider answers, the keys are kept and tokens are verified again.
 *
 * <p>Every request to the provider gives up after {@code connect-timeout} and {@code read-timeout}
 * ({@link ProviderRequests}). A token signed with a key the broker has not seen yet (the provider rotated its keys)
 * makes the decoder fetch the key set again; when that fetch fails the token is answered {@link ProviderUnreachable}
 * (503), not refused: it may well be good.
 *
 * <p>Threads: any request thread. The first use waits for the one thread that asks the provider; after a failure,
 * requests never wait for another thread's attempt.
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

    /** The provider could not be asked (for its discovery document or its keys); try again after retryAfter. */
    record ProviderUnreachable(Duration retryAfter) implements Verdict {
    }

    private final OidcProperties properties;
    private final OidcUserMapping mapping;
    private final AtomicReference<NimbusJwtDecoder> decoder = new AtomicReference<>();
    /** Set while the provider cannot be asked: since when in a row, and when it may be asked again. */
    private final AtomicReference<Backoff> backoff = new AtomicReference<>();
    /** Held by the one thread that asks the provider for its discovery document. */
    private final ReentrantLock asking = new ReentrantLock();
    private final LongSupplier nanoTime;

    private record Backoff(int failures, long retryAt) {
    }

    ProviderAccessTokens(OidcProperties properties, UserDirectory users) {
        this(properties, users, System::nanoTime);
    }

    /** With the clock the backoff is measured on ({@link System#nanoTime()} in production). */
    ProviderAccessTokens(OidcProperties properties, UserDirectory users, LongSupplier nanoTime) {
        this.properties = properties;
        this.mapping = new OidcUserMapping(properties, users);
        this.nanoTime = nanoTime;
    }

    /** Whether a presented bearer token has a JWT's shape (the broker's own API tokens never do). */
    static boolean looksLikeJwt(String token) {
        return token.length() <= MAX_LENGTH && JWT.matcher(token).matches();
    }

    Verdict verify(String token) {
        Optional<NimbusJwtDecoder> keys = decoder();
        if (keys.isEmpty()) {
            return new ProviderUnreachable(untilAskedAgain());
        }
        try {
            var jwt = keys.get().decode(token);
            OidcUserMapping.Mapped mapped = mapping.mapped(jwt.getClaims());
            return new Accepted(mapped.identity().name(),
                    SignInAuthorities.of(mapped.roles(), mapped.identity().groups()));
        } catch (OidcUserMapping.Unmapped e) {
            return new Refused(e.getMessage());
        } catch (JwtException e) {
            if (keysUnavailable(e)) {
                // signed with a key the broker has not seen (the provider rotated its keys), and the provider could
                // not be asked for it: the token may well be good, so not a 401
                log.warn("The identity provider {} could not be asked for its keys: {}; the access token is answered "
                        + "503", properties.issuerUri(), e.getMessage());
                return new ProviderUnreachable(properties.discoveryRetry());
            }
            log.debug("Access token refused: {}", e.getMessage());
            return new Refused("The access token is not valid here");
        }
    }

    /** Whether the decoder failed because the provider's key set could not be fetched, not because of the token. */
    private static boolean keysUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KeySourceException) {
                return true;
            }
        }
        return false;
    }

    /** How long until the provider is asked again (at least a second): the Retry-After of a 503. */
    private Duration untilAskedAgain() {
        Backoff failed = backoff.get();
        long left = failed == null ? 0 : failed.retryAt() - nanoTime.getAsLong();
        return Duration.ofSeconds(Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
    }

    private Optional<NimbusJwtDecoder> decoder() {
        NimbusJwtDecoder known = decoder.get();
        if (known != null) {
            return Optional.of(known);
        }
        if (backoff.get() == null) {
            asking.lock(); // the first use: wait for whoever asks, then use what they learned
        } else if (waiting() || !asking.tryLock()) {
            return Optional.empty(); // the provider failed lately, or another request is asking it right now
        }
        try {
            known = decoder.get();
            if (known != null) {
                return Optional.of(known);
            }
            if (waiting()) {
                return Optional.empty(); // asked and failed while this request waited for the lock
            }
            return ask();
        } finally {
            asking.unlock();
        }
    }

    private boolean waiting() {
        Backoff failed = backoff.get();
        return failed != null && nanoTime.getAsLong() - failed.retryAt() < 0;
    }

    private Optional<NimbusJwtDecoder> ask() {
        try {
            // the discovery document, then the key set: both with the provider timeouts
            NimbusJwtDecoder made = NimbusJwtDecoder.withIssuerLocation(properties.issuerUri())
                    .restOperations(ProviderRequests.client(properties)).build();
            made.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                    JwtValidators.createDefaultWithIssuer(properties.issuerUri()),
                    new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                            audience -> audience != null && audience.contains(properties.accessTokenAudience()))));
            decoder.set(made);
            if (backoff.getAndSet(null) != null) {
                log.info("The identity provider {} answers again; its access tokens are verified again",
                        properties.issuerUri());
            }
            return Optional.of(made);
        } catch (RuntimeException e) {
            Backoff before = backoff.get();
            int failures = before == null ? 1 : before.failures() + 1;
            Duration wait = backoffAfter(failures);
            backoff.set(new Backoff(failures, nanoTime.getAsLong() + wait.toNanos()));
            log.warn("The identity provider {} could not be asked for its keys ({} time(s) in a row): {}; its access "
                    + "tokens are answered 503 for {}", properties.issuerUri(), failures, e.getMessage(), wait);
            return Optional.empty();
        }
    }

    /** discovery-retry, doubled for each failure after the first, at most discovery-retry-max. */
    Duration backoffAfter(int failures) {
        Duration max = properties.discoveryRetryMax();
        Duration wait = properties.discoveryRetry();
        for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) < 0 ? wait : max;
    }
}
