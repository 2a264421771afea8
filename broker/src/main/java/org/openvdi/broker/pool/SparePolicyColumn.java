package org.openvdi.broker.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openvdi.broker.spare.SparePolicy;

/** A pool's spare policy as it is stored in {@code pool_view}: the same JSON as in its events. */
final class SparePolicyColumn {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private SparePolicyColumn() {
    }

    static String write(SparePolicy policy) {
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A spare policy always serializes", e);
        }
    }

    /** The stored policy; a pool projected before spare policies existed has none and keeps {@code minSpare}. */
    static SparePolicy read(String stored, int minSpare) {
        if (stored == null) {
            return new SparePolicy.Static(minSpare);
        }
        try {
            return JSON.readValue(stored, SparePolicy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable spare policy in pool_view", e);
        }
    }
}
