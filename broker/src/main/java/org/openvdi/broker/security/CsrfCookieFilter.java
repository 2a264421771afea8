package org.openvdi.broker.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Renders the deferred CSRF token on every response, so the pages always find it in the XSRF-TOKEN cookie; except
 * for a request with an API token ({@code Authorization: Bearer}) and no session: such a request needs no CSRF token
 * (see {@link SecurityConfiguration}), and the script or program that sent it has no page to read a cookie from, so
 * making a token (from the secure random source) and writing its cookie would only cost every API call (see
 * {@link ApiTokenCsrfHandler}). The checks are unchanged: which requests must carry a token, and
 * {@link CrossSiteWriteFilter} for every write.
 */
final class CsrfCookieFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        if (token != null && !ApiTokenCsrfHandler.apiTokenWithoutSession(request)) {
            token.getToken();
        }
        chain.doFilter(request, response);
    }
}
