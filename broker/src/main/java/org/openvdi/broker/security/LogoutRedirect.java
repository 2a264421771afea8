package org.openvdi.broker.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;

/**
 * Where signing out leads, for browsers and for the pages' {@code fetch}: a request that accepts JSON (the pages sign
 * out with {@code fetch}, which may not follow a redirect to the provider) gets {@code 200 {"location": ...}} and
 * goes there itself; any other request gets the redirect. The location is the broker's own sign-in page or the
 * provider's {@code end_session_endpoint}, never a value from the request.
 */
final class LogoutRedirect implements RedirectStrategy {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DefaultRedirectStrategy redirects = new DefaultRedirectStrategy();

    @Override
    public void sendRedirect(HttpServletRequest request, HttpServletResponse response, String url) throws IOException {
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains(MediaType.APPLICATION_JSON_VALUE)) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setHeader("Cache-Control", "no-store");
            JSON.writeValue(response.getOutputStream(), Map.of("location", url));
            return;
        }
        redirects.sendRedirect(request, response, url);
    }
}
