package org.openvdi.broker.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.springframework.stereotype.Component;

/**
 * Reads pool events written before the power policy {@code POWER_OFF_WHEN_IDLE} was renamed
 * {@link PowerPolicy#POWER_OFF_AT_LOGOFF} (what it always did: power a persistent desktop off when its session
 * ends). {@link PoolCreatedEvent} of revision 1 or 2 becomes revision 3 (a revision 1 event still has no
 * {@code recording}, read as {@code false}) and {@link PoolReconfiguredEvent} of revision 1 becomes revision 2, with
 * the new name; nothing else changes. The stored events stay as they were written.
 */
@Component
class PowerPolicyUpcaster extends SingleEventUpcaster {

    static final String OLD_NAME = "POWER_OFF_WHEN_IDLE";

    /** Event type to its revisions before the rename; the revision after it. */
    private static final Map<String, Set<String>> BEFORE = Map.of(
            PoolCreatedEvent.class.getName(), Set.of("1", "2"),
            PoolReconfiguredEvent.class.getName(), Set.of("1"));
    private static final Map<String, String> AFTER = Map.of(
            PoolCreatedEvent.class.getName(), "3",
            PoolReconfiguredEvent.class.getName(), "2");

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        Set<String> before = BEFORE.get(representation.getType().getName());
        return before != null && before.contains(representation.getType().getRevision());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        String type = representation.getType().getName();
        return representation.upcastPayload(new SimpleSerializedType(type, AFTER.get(type)), JsonNode.class,
                PowerPolicyUpcaster::rename);
    }

    private static JsonNode rename(JsonNode payload) {
        if (payload instanceof ObjectNode object && OLD_NAME.equals(object.path("powerPolicy").asText())) {
            object.put("powerPolicy", PowerPolicy.POWER_OFF_AT_LOGOFF.name());
        }
        return payload;
    }
}
