package org.openvdi.gateway.web;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Whether a request's {@code Origin} may open a tunnel: one of {@code openvdi.gateway.allowed-origins}, or, when
 * none are configured, the gateway's own origin as the request addressed it (behind a proxy, as its trusted
 * {@code X-Forwarded-*} headers say). Browsers send {@code Origin} with every WebSocket handshake and a page
 * cannot forge it, so a page of another site is refused. A request without {@code Origin} does not come from a
 * browser page: it is let through, because a non-browser client could send any origin it liked anyway and the
 * one-time token is what authorizes a tunnel. {@code Origin: null} (sandboxed frames, files) is refused.
 */
@Component
public class OriginCheck {

    private final Set<String> allowed;

    OriginCheck(GatewayWebSettings settings) {
        this.allowed = settings.allowedOrigins().stream().map(OriginCheck::originOf).collect(Collectors.toSet());
    }

    public boolean allows(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String normalized;
        try {
            normalized = originOf(URI.create(origin.trim()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (normalized == null) {
            return false;
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalized);
        }
        return normalized.equals(originOf(URI.create(request.getScheme() + "://" + hostAndPort(request))));
    }

    /**
     * The origin of an http(s) URL, {@code scheme://host[:port]} in lower case without a default port (a path is
     * ignored, so the gateway's public URL may be configured as it is), or null for anything else.
     */
    static String originOf(URI uri) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null || uri.getUserInfo() != null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static String hostAndPort(HttpServletRequest request) {
        String host = request.getServerName();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + request.getServerPort();
    }
}
