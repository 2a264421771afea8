package org.openvdi.broker.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Writes from another site never reach a controller, whatever credentials the browser attaches.
 * For every signed-in POST, PUT, PATCH or DELETE:
 * <ol>
 *   <li>under {@code /api/}, a body must be JSON ({@code application/json} or {@code +json}) or YAML
 *       ({@code application/yaml}, template descriptors), else 415: a cross-site HTML form can only send
 *       urlencoded, multipart or text/plain bodies, and a cross-site fetch() of any other type needs a CORS
 *       preflight, which the broker never grants; a bodiless write sends no content type or a JSON one;</li>
 *   <li>a request a browser marks as coming from elsewhere is refused with 403: {@code Sec-Fetch-Site}
 *       other than {@code same-origin} or {@code none}, or an {@code Origin} other than the broker's own
 *       (its public URL, or the scheme and Host the request was sent to). Browsers send these headers
 *       with every cross-site write, bodiless ones included; API clients send neither.</li>
 * </ol>
 * Anonymous requests pass on to authorization, which answers 401.
 */
final class CrossSiteWriteFilter extends OncePerRequestFilter {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final SecurityProblems problems;
    private final PublicUrl publicUrl;

    CrossSiteWriteFilter(SecurityProblems problems, PublicUrl publicUrl) {
        this.problems = problems;
        this.publicUrl = publicUrl;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!WRITES.contains(request.getMethod()) || !signedIn()) {
            chain.doFilter(request, response);
        } else if (path(request).startsWith("/api/") && !jsonYamlOrBodiless(request)) {
            problems.write(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Changes take a JSON body (application/json), or YAML (application/yaml) where a resource says so");
        } else if (fromElsewhere(request)) {
            problems.write(response, ErrorCode.FORBIDDEN, "Changes are accepted from the broker's own pages only");
        } else {
            chain.doFilter(request, response);
        }
    }

    private static boolean signedIn() {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        return who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
    }

    private static boolean jsonYamlOrBodiless(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || type.isBlank()) {
            return request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return media.getType().equals("application")
                    && (media.getSubtype().equals("json") || media.getSubtype().endsWith("+json")
                    || media.getSubtype().equals("yaml"));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private boolean fromElsewhere(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String own = request.getScheme() + "://" + request.getHeader("Host");
        return !origin.equalsIgnoreCase(own) && !origin.equalsIgnoreCase(publicUrl.origin());
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
