package org.openvdi.gateway.tunnel;

import java.util.List;
import java.util.Map;

/**
 * What the browser asked for in {@code /tunnel?token=..&width=..&height=..&dpi=..}, plus where it came from.
 * Sizes outside sane bounds fall back to defaults; the token is never part of {@link #toString()}.
 */
record TunnelRequest(String token, int width, int height, int dpi, String clientAddress) {

    static final int DEFAULT_WIDTH = 1024;
    static final int DEFAULT_HEIGHT = 768;
    static final int DEFAULT_DPI = 96;
    private static final int MAX_PIXELS = 8192;
    private static final int MAX_DPI = 1000;

    static TunnelRequest from(Map<String, List<String>> parameters, String clientAddress) {
        String token = first(parameters, "token");
        return new TunnelRequest(token == null || token.isBlank() ? null : token,
                number(parameters, "width", DEFAULT_WIDTH, MAX_PIXELS),
                number(parameters, "height", DEFAULT_HEIGHT, MAX_PIXELS),
                number(parameters, "dpi", DEFAULT_DPI, MAX_DPI),
                clientAddress);
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int number(Map<String, List<String>> parameters, String name, int fallback, int max) {
        String value = first(parameters, name);
        if (value == null || !value.matches("\\d{1,5}")) {
            return fallback;
        }
        int parsed = Integer.parseInt(value);
        return parsed < 1 || parsed > max ? fallback : parsed;
    }

    @Override
    public String toString() {
        return "TunnelRequest[" + width + "x" + height + "@" + dpi + "dpi from " + clientAddress
                + (token == null ? ", no token]" : "]");
    }
}
