package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a connection token is made of, and the limits on how long one lives. */
class ConnectionTokenTest {

    @Test
    void givenNewTokens_whenDrawn_thenEach256RandomBitsInBase64UrlAndAllDifferent() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = ConnectionToken.random().value();
            assertThat(value).matches("[A-Za-z0-9_-]{43}");
            assertThat(Base64.getUrlDecoder().decode(value)).hasSize(32);
            seen.add(value);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void givenToken_whenHashed_thenSha256HexAndNeverTheTokenInItsText() {
        ConnectionToken token = new ConnectionToken("abc");

        assertThat(token.hash()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(token.toString()).doesNotContain("abc").startsWith("ConnectionToken[hash=ba7816bf8f01");
    }

    @Test
    void givenTtlAboveAMinuteOrNotPositive_whenConfigured_thenRefusedAtStart() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                new ConnectProperties(Duration.ofSeconds(61), Duration.ofMinutes(10), Duration.ofSeconds(5)))
                .withMessageContaining("openvdi.connect.token-ttl");
        assertThatIllegalArgumentException().isThrownBy(() ->
                new ConnectProperties(Duration.ZERO, Duration.ofMinutes(10), Duration.ofSeconds(5)));
        assertThat(new ConnectProperties(Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(5)).tokenTtl())
                .isEqualTo(Duration.ofSeconds(60));
    }
}
