package org.openvdi.broker.auditlog;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.openvdi.broker.auditlog.api.AuditedObjectType;

/**
 * The admin change log: for each event of a host, template, pool or rollout, the actor and the values of the fields
 * it changed, before and after. The object's current values are kept in {@code audit_object} (every field any of its
 * events set), so "before" is what the object's own history said until then:
 * <ul>
 *   <li>a field {@code x} of the event is compared with the kept {@code x}; unchanged fields are left out;</li>
 *   <li>a pair {@code fromX}/{@code toX} (a version change) is {@code x} before and after;</li>
 *   <li>an entitlement granted or revoked is {@code "entitlement KIND:principal"}, false or true;</li>
 *   <li>the first event of an object has no "before", a deletion no "after" (its "before" is every kept value);</li>
 *   <li>ids of the object itself and "...By" fields (the actor, recorded from the command's metadata) are not values.</li>
 * </ul>
 */
class ChangeLogWriter {

    private final ObjectMapper json;

    ChangeLogWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Adds the change of {@code event} to the batch's rows, and the object's new values. The kept values are read
     * back from their JSON text after each change, as they would be from the table, so that the next change compares
     * with the same values whether it comes in the same batch or a later one.
     */
    void write(DomainEventMessage<?> event, AuditedObjectType type, String actor, AuditRows rows) {
        if (rows.changeKnown(event.getIdentifier())) {
            return;
        }
        UUID objectId = UUID.fromString(event.getAggregateIdentifier());
        String action = action(event.getPayloadType());
        JsonNode payload = json.valueToTree(event.getPayload());
        Optional<AuditRows.AuditedObject> kept = rows.object(objectId);
        ObjectNode state = kept.isEmpty() ? json.createObjectNode() : kept.get().state().deepCopy();
        ObjectNode before = json.createObjectNode();
        ObjectNode after = json.createObjectNode();
        if (action.startsWith("Entitlement") && payload.hasNonNull("kind") && payload.hasNonNull("principal")) {
            String key = "entitlement " + payload.get("kind").asText() + ":" + payload.get("principal").asText();
            before.set(key, BooleanNode.valueOf(state.path(key).asBoolean(false)));
            after.set(key, BooleanNode.valueOf(action.equals("EntitlementGranted")));
        } else {
            values(payload, objectId, state, before, after);
        }
        boolean deletion = action.endsWith("Deleted");
        if (deletion) {
            before = state.deepCopy();
        }
        state.setAll(after);
        String name = state.path("name").isTextual() ? state.get("name").asText() : null;
        rows.addChange(new Object[] {event.getIdentifier(), utc(event.getTimestamp()), actor, type.name(), objectId, name,
                action, kept.isEmpty() ? null : jsonb(before), deletion ? null : jsonb(after)});
        rows.putObject(objectId, type, (ObjectNode) rows.read(jsonb(state)));
    }

    private static void values(JsonNode payload, UUID objectId, ObjectNode state, ObjectNode before, ObjectNode after) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        payload.fields().forEachRemaining(fields::add);
        for (Map.Entry<String, JsonNode> field : fields) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("by") || name.endsWith("By") || value.asText().equals(objectId.toString())) {
                continue;
            }
            if (name.startsWith("from") && name.length() > 4 && payload.has("to" + name.substring(4))) {
                String key = Character.toLowerCase(name.charAt(4)) + name.substring(5);
                before.set(key, value);
                after.set(key, payload.get("to" + name.substring(4)));
                continue;
            }
            if (name.startsWith("to") && name.length() > 2 && payload.has("from" + name.substring(2))) {
                continue;
            }
            JsonNode was = state.has(name) ? state.get(name) : NullNode.getInstance();
            if (!was.equals(value)) {
                before.set(name, was);
                after.set(name, value);
            }
        }
    }

    /** {@code PoolReconfiguredEvent} reads {@code PoolReconfigured}. */
    static String action(Class<?> payloadType) {
        String simple = payloadType.getSimpleName();
        return simple.endsWith("Event") ? simple.substring(0, simple.length() - 5) : simple;
    }

    /** JSON for a jsonb column, which cannot hold the NUL character: it becomes U+FFFD. */
    static String jsonb(JsonNode node) {
        return node.toString().replace("\\u0000", "\\uFFFD");
    }
}
