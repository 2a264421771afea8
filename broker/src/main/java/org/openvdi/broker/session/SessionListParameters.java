package org.openvdi.broker.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/** The parameters of GET /api/sessions, checked: unknown, repeated or malformed ones are refused, never ignored. */
record SessionListParameters(boolean all, int limit, Instant beforeAt, UUID beforeId) {

    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> KNOWN = Set.of("all", "limit", "cursor");

    static SessionListParameters of(Map<String, String[]> params) {
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            if (!KNOWN.contains(entry.getKey())) {
                throw invalid("Unknown parameter: this list takes all, limit and cursor; search sessions with /api/audit/sessions");
            }
            if (entry.getValue().length != 1) {
                throw invalid("Parameter " + entry.getKey() + " is given more than once");
            }
        }
        String all = value(params, "all", "false");
        if (!all.equals("true") && !all.equals("false")) {
            throw invalid("all must be true or false");
        }
        String limit = value(params, "limit", String.valueOf(DEFAULT_LIMIT));
        if (!limit.matches("[0-9]{1,5}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_LIMIT) {
            throw invalid("limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        String cursor = params.containsKey("cursor") ? params.get("cursor")[0] : null;
        Instant at = null;
        UUID id = null;
        if (cursor != null) {
            try {
                if (cursor.length() > 200) {
                    throw new IllegalArgumentException();
                }
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                at = Instant.parse(text.substring(0, bar));
                id = UUID.fromString(text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw invalid("cursor is not one this broker handed out");
            }
        }
        return new SessionListParameters(Boolean.parseBoolean(all), Integer.parseInt(limit), at, id);
    }

    static String cursor(Instant at, UUID id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static String value(Map<String, String[]> params, String name, String otherwise) {
        return params.containsKey(name) ? params.get(name)[0] : otherwise;
    }

    private static BrokerException invalid(String detail) {
        return new BrokerException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
