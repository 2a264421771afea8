package org.openvdi.broker.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openvdi.broker.rollout.api.RolloutStrategy;

/** A rollout's strategy as it is stored in {@code rollout_view}: JSON, durations in ISO-8601. */
final class StrategyColumn {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private StrategyColumn() {
    }

    static String write(RolloutStrategy strategy) {
        try {
            return JSON.writeValueAsString(strategy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A strategy always serializes", e);
        }
    }

    static RolloutStrategy read(String stored) {
        try {
            return JSON.readValue(stored, RolloutStrategy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable strategy in rollout_view", e);
        }
    }
}
