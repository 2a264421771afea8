package org.openvdi.broker.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.www.BasicAuthenticationConverter;

/**
 * The one way the broker reads an {@code Authorization: Basic} header outside Spring Security's own filter:
 * through that filter's {@link BasicAuthenticationConverter}, so whatever Spring accepts as Basic credentials
 * (any case of the scheme, surrounding blanks, a tab after it) is seen here too, and nothing else is.
 */
public final class BasicCredentials {

    private static final BasicAuthenticationConverter CONVERTER = new BasicAuthenticationConverter(request -> null);

    private BasicCredentials() {
    }

    /** The user name of the request's Basic credentials, if it has credentials that Spring Security would try. */
    public static Optional<String> userName(HttpServletRequest request) {
        try {
            UsernamePasswordAuthenticationToken token = CONVERTER.convert(request);
            return token == null ? Optional.empty() : Optional.of(token.getName());
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }

    /** Whether the request carries Basic credentials that Spring Security would try. */
    public static boolean present(HttpServletRequest request) {
        return userName(request).isPresent();
    }
}
