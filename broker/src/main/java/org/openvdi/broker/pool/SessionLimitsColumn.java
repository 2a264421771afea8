package org.openvdi.broker.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.openvdi.broker.pool.api.SessionLimits;

/** {@code pool_view.session_limits}: a pool's {@link SessionLimits} as JSON (durations as ISO-8601 text). */
final class SessionLimitsColumn {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private SessionLimitsColumn() {
    }

    static String write(SessionLimits limits) {
        try {
            return JSON.writeValueAsString(limits);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Session limits do not serialize", e);
        }
    }

    static SessionLimits read(String column) {
        if (column == null) {
            return SessionLimits.NONE;
        }
        try {
            return JSON.readValue(column, SessionLimits.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pool_view.session_limits does not parse", e);
        }
    }
}
