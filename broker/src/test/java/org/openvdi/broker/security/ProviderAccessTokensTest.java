package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.security.api.Role;

/**
 * What a presented access token is worth when the provider that issued it cannot be asked for its keys, and how long
 * the broker waits for a provider that does not answer. The provider here is a closed port or a listening socket that
 * never answers (real sockets); the real provider's tests are in {@link OidcSignInTest}.
 */
class ProviderAccessTokensTest {

    @Test
    void givenAProviderThatCannotBeReached_whenAnAccessTokenIsPresented_thenProviderUnreachableNotRefused()
            throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        OidcProperties oidc = new OidcProperties(true, "IdP", "http://127.0.0.1:" + closed, "openvdi", null,
                List.of("openid"), "preferred_username", List.of("groups"),
                List.of(new RoleMapping("/vdi-users", List.of(Role.EMPLOYEE))),
                true, true, null, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(5));
        ProviderAccessTokens tokens = new ProviderAccessTokens(oidc, null);

        assertThat(tokens.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXVsIn0.c2ln"))
                .isInstanceOf(ProviderAccessTokens.ProviderUnreachable.class);
        assertThat(oidc.accessTokenAudience()).isEqualTo("openvdi");
        // and again at once, without asking the provider, until discovery-retry has passed
        assertThat(tokens.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXVsIn0.c2ln"))
                .isInstanceOf(ProviderAccessTokens.ProviderUnreachable.class);
    }

    /**
     * A provider whose port accepts connections and never answers (a listening socket nobody reads: the kernel
     * completes the handshake): the discovery request of an access token's check and of a sign-in each give up after
     * the read timeout instead of holding the request.
     */
    @Test
    void givenAProviderThatAcceptsAndNeverAnswers_whenItIsAsked_thenEachRequestGivesUpAfterTheTimeouts() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            OidcProperties oidc = new OidcProperties(true, "IdP", "http://127.0.0.1:" + silent.getLocalPort(), "openvdi",
                    null, List.of("openid"), "preferred_username", List.of("groups"),
                    List.of(new RoleMapping("/vdi-users", List.of(Role.EMPLOYEE))),
                    true, true, null, Duration.ofSeconds(2), Duration.ofSeconds(60),
                    Duration.ofMillis(300), Duration.ofMillis(300));

            long started = System.nanoTime();
            assertThat(new ProviderAccessTokens(oidc, null).verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwYXVsIn0.c2ln"))
                    .isInstanceOfSatisfying(ProviderAccessTokens.ProviderUnreachable.class,
                            unreachable -> assertThat(unreachable.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
            // 300 ms each for the connection and the answer, not indefinitely (the bound allows for a loaded machine)
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));

            started = System.nanoTime();
            assertThatThrownBy(() -> new OidcRegistrations(oidc).findByRegistrationId(OidcRegistrations.ID))
                    .isInstanceOf(OidcRegistrations.OidcProviderUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void givenNoTimeoutOrAZeroOne_whenConfigured_thenTheBrokerDoesNotStart() {
        assertThatThrownBy(() -> new OidcProperties(true, "IdP", "http://127.0.0.1:1", "openvdi", null,
                List.of("openid"), "preferred_username", List.of("groups"),
                List.of(new RoleMapping("/vdi-users", List.of(Role.EMPLOYEE))),
                true, true, null, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("connect-timeout");
    }

    @Test
    void givenFailuresInARow_whenTheWaitIsMeasured_thenItDoublesFromDiscoveryRetryUpToItsMaximum() {
        OidcProperties oidc = new OidcProperties(true, "IdP", "http://127.0.0.1:1", "openvdi", null,
                List.of("openid"), "preferred_username", List.of("groups"),
                List.of(new RoleMapping("/vdi-users", List.of(Role.EMPLOYEE))),
                true, true, null, Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(5));
        ProviderAccessTokens tokens = new ProviderAccessTokens(oidc, null);
        assertThat(tokens.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(tokens.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(tokens.backoffAfter(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(tokens.backoffAfter(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(tokens.backoffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void givenPresentedTokens_whenShaped_thenOnlyThreeBase64UrlPartsOfBoundedLengthLookLikeAJwt() {
        assertThat(ProviderAccessTokens.looksLikeJwt("eyJh.eyJz.c2ln")).isTrue();
        assertThat(ProviderAccessTokens.looksLikeJwt("ovdi_0123456789abcdef")).isFalse();
        assertThat(ProviderAccessTokens.looksLikeJwt("a.b")).isFalse();
        assertThat(ProviderAccessTokens.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(ProviderAccessTokens.looksLikeJwt("a.b/../.c")).isFalse();
        assertThat(ProviderAccessTokens.looksLikeJwt("a." + "b".repeat(ProviderAccessTokens.MAX_LENGTH) + ".c")).isFalse();
    }
}
