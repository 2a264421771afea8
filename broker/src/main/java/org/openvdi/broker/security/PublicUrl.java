package org.openvdi.broker.security;

import java.net.URI;

/** The broker's URL as browsers reach it ({@code openvdi.public-url}), reduced to what security needs. */
record PublicUrl(String origin, boolean https) {

    /** The URL's origin as a browser writes it in {@code Origin} (lower case, no default port); null when unusable. */
    static PublicUrl of(String url) {
        URI uri = url == null || url.isBlank() ? null : URI.create(url.trim());
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return new PublicUrl(null, false);
        }
        String scheme = uri.getScheme().toLowerCase();
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return new PublicUrl(scheme + "://" + uri.getHost().toLowerCase() + (defaultPort ? "" : ":" + port),
                scheme.equals("https"));
    }
}
