package org.openvdi.broker.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;

/**
 * Makes the CSRF token available to a request as Spring Security's attribute handler does, loading it (and, the first
 * time, making it and writing its cookie) on every request so that the pages always find it; except for a request
 * with an API token ({@code Authorization: Bearer}) and no session, whose token stays deferred and is never made: such
 * a request needs none ({@link SecurityConfiguration} does not ask it for one), and the program that sent it has no
 * page to read a cookie from. A token a request sends is checked the same way for every request.
 */
final class ApiTokenCsrfHandler implements CsrfTokenRequestHandler {

    private final CsrfTokenRequestAttributeHandler everyRequest = new CsrfTokenRequestAttributeHandler();
    private final CsrfTokenRequestAttributeHandler deferred = new CsrfTokenRequestAttributeHandler();

    ApiTokenCsrfHandler() {
        everyRequest.setCsrfRequestAttributeName(null);
    }

    /** A request that presents an API token and no session: an API client, never a page. */
    static boolean apiTokenWithoutSession(HttpServletRequest request) {
        return BearerTokenFilter.present(request) && request.getRequestedSessionId() == null;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
        (apiTokenWithoutSession(request) ? deferred : everyRequest).handle(request, response, token);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
        return everyRequest.resolveCsrfTokenValue(request, token);
    }
}
