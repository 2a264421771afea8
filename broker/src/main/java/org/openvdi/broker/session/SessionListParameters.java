package org.openvdi.broker.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.contract.DisplayTextValidator;

/**
 * The parameters of GET /api/sessions, checked: unknown, repeated or malformed ones are refused, never ignored. The
 * filters {@code state}, {@code poolId} and {@code user} (the last with {@code all=true} only) narrow the list.
 */
record SessionListParameters(boolean all, int limit, Instant beforeAt, UUID beforeId, SessionState state, UUID poolId,
                             String user) {

    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> KNOWN = Set.of("all", "limit", "cursor", "state", "poolId", "user");

    static SessionListParameters of(Map<String, String[]> params) {
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            if (!KNOWN.contains(entry.getKey())) {
                throw invalid("Unknown parameter: this list takes all, limit, cursor, state, poolId and user; search sessions"
                        + " with /api/audit/sessions");
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
        return new SessionListParameters(Boolean.parseBoolean(all), Integer.parseInt(limit), at, id, state(params),
                poolId(params), user(params, Boolean.parseBoolean(all)));
    }

    private static SessionState state(Map<String, String[]> params) {
        String state = value(params, "state", null);
        if (state == null) {
            return null;
        }
        for (SessionState known : SessionState.values()) {
            if (known.name().equals(state)) {
                return known;
            }
        }
        throw invalid("state must be one of REQUESTED, READY, CONNECTED, DISCONNECTED, ENDED, FAILED");
    }

    private static UUID poolId(Map<String, String[]> params) {
        String pool = value(params, "poolId", null);
        try {
            return pool == null ? null : UUID.fromString(pool);
        } catch (IllegalArgumentException e) {
            throw invalid("poolId must be a pool's id");
        }
    }

    private static String user(Map<String, String[]> params, boolean all) {
        String user = value(params, "user", null);
        if (user == null) {
            return null;
        }
        if (!all) {
            throw invalid("user filters everyone's sessions: add all=true");
        }
        if (user.isBlank() || !DisplayTextValidator.isDisplayText(user, 200)) {
            throw invalid("user must be a user name");
        }
        return user;
    }

    /** The query string of the next page: these filters, the limit and the cursor after the last row. */
    String next(Instant lastAt, UUID lastId) {
        StringBuilder query = new StringBuilder(all ? "all=true&" : "");
        if (state != null) {
            query.append("state=").append(state.name()).append('&');
        }
        if (poolId != null) {
            query.append("poolId=").append(poolId).append('&');
        }
        if (user != null) {
            query.append("user=").append(java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)).append('&');
        }
        return query.append("limit=").append(limit).append("&cursor=").append(cursor(lastAt, lastId)).toString();
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
