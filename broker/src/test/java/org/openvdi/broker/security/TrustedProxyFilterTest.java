package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Which address counts as the client's, for each shape of X-Forwarded-For and proxy list. */
class TrustedProxyFilterTest {

    String clientOf(List<String> trusted, String peer, String... forwardedFor) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/me");
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) {
            request.addHeader("X-Forwarded-For", header);
        }
        AtomicReference<ServletRequest> seen = new AtomicReference<>();
        new TrustedProxyFilter(new WebSecurityProperties(trusted, null))
                .doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.set(req));
        return seen.get().getRemoteAddr();
    }

    @Test
    void givenNoTrustedProxies_whenAnyoneForwards_thenThePeerIsTheClient() throws Exception {
        assertThat(clientOf(List.of(), "10.0.0.5", "203.0.113.9")).isEqualTo("10.0.0.5");
        assertThat(clientOf(List.of(), "127.0.0.1", "203.0.113.9")).isEqualTo("127.0.0.1");
    }

    @Test
    void givenATrustedProxy_whenAnUntrustedPeerForwards_thenTheHeaderIsIgnored() throws Exception {
        assertThat(clientOf(List.of("10.0.0.0/8"), "192.168.1.4", "203.0.113.9")).isEqualTo("192.168.1.4");
    }

    @Test
    void givenTrustedProxies_whenTheyForwardAChain_thenTheRightmostUntrustedAddressIsTheClient() throws Exception {
        List<String> trusted = List.of("10.0.0.0/8", "::1");
        assertThat(clientOf(trusted, "10.0.0.5", "198.51.100.1, 203.0.113.7, 10.2.2.2")).isEqualTo("203.0.113.7");
        assertThat(clientOf(trusted, "10.0.0.5", "198.51.100.1", "203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(clientOf(trusted, "::1", "2001:db8::7")).isEqualTo("2001:db8::7");
        assertThat(clientOf(trusted, "10.0.0.5", "10.1.1.1, 10.2.2.2")).isEqualTo("10.1.1.1");
    }

    @Test
    void givenATrustedProxy_whenTheHeaderIsMissingOrNotAnAddress_thenTheLastBelievableHopIsTheClient() throws Exception {
        List<String> trusted = List.of("10.0.0.5");
        assertThat(clientOf(trusted, "10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(clientOf(trusted, "10.0.0.5", "unknown")).isEqualTo("10.0.0.5");
        assertThat(clientOf(trusted, "10.0.0.5", "evil.example.com, 203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(clientOf(trusted, "10.0.0.5", "203.0.113.9, beef")).isEqualTo("10.0.0.5");
    }
}
