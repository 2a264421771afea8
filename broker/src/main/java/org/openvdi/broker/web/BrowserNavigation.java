package org.openvdi.broker.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Whether a refused request is a person's browser opening a page, who is shown an HTML page
 * ({@link ErrorPage}), rather than a client of the API, who gets problem+json as always. A page is wanted only
 * when all of these hold: the address is not the API's ({@code /api/}, {@code /internal/}, {@code /actuator/},
 * {@code /v3/}); the request names {@code text/html} in {@code Accept} (a browser's navigation does; {@code *}{@code /*}
 * alone, as fetch and curl send, does not); it carries no {@code Authorization} header (Basic credentials and API
 * tokens are an API client's: people sign in with the session cookie); it is not an XMLHttpRequest; and its
 * {@code Sec-Fetch-Mode}, when present, is {@code navigate}.
 */
public final class BrowserNavigation {

    private static final List<String> API = List.of("/api/", "/internal/", "/actuator/", "/v3/");

    private BrowserNavigation() {
    }

    public static boolean wantsPage(HttpServletRequest request) {
        String path = path(request);
        if (API.stream().anyMatch(prefix -> path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1)))) {
            return false;
        }
        if (request.getHeader("Authorization") != null
                || "XMLHttpRequest".equalsIgnoreCase(request.getHeader("X-Requested-With"))) {
            return false;
        }
        String mode = request.getHeader("Sec-Fetch-Mode");
        if (mode != null && !mode.equalsIgnoreCase("navigate")) {
            return false;
        }
        String accept = request.getHeader("Accept");
        if (accept == null || accept.length() > 1000) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> MediaType.TEXT_HTML.equalsTypeAndSubtype(type)
                    && type.getQualityValue() > 0);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /**
     * The address the browser asked for, as it sent it (still percent-encoded), without the context path; on the
     * container's error dispatch, the address that failed rather than {@code /error}.
     */
    static String path(HttpServletRequest request) {
        Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = failed instanceof String original ? original : request.getRequestURI();
        String context = request.getContextPath();
        return uri == null ? "/" : !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
