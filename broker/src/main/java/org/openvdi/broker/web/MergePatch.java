package org.openvdi.broker.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.stereotype.Component;

/**
 * Reads a JSON Merge Patch (RFC 7386) of a flat resource into the record of the fields it may change, as strictly
 * as any request body, and validates it. Every setting of the resources patched this way is required, so a field
 * set to null (which would remove it) is refused, naming the field.
 */
@Component
public class MergePatch {

    private final ObjectMapper strict;
    private final Validator validator;

    MergePatch(ObjectMapper shared, Validator validator) {
        this.strict = StrictJsonConfiguration.strict(shared);
        this.validator = validator;
    }

    /** The patch as {@code type}, each field left out null. Throws a 400 for anything but a valid patch. */
    public <T> T read(JsonNode patch, Class<T> type) {
        if (patch == null || !patch.isObject()) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "A merge patch is a JSON object of the fields to change");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                String name = ProblemDetailsAdvice.fieldName(field.getKey());
                throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Field " + name + " is required and cannot be removed",
                        name);
            }
        }
        T value;
        try {
            value = strict.treeToValue(patch, type);
        } catch (UnrecognizedPropertyException e) {
            String path = ProblemDetailsAdvice.path(e);
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Unknown field " + path, path);
        } catch (JsonMappingException e) {
            String path = ProblemDetailsAdvice.path(e);
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Invalid value for " + path, path);
        } catch (JsonProcessingException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The patch is not of the expected shape");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            List<String> names = violations.stream().map(v -> v.getPropertyPath().iterator().next().getName()).distinct()
                    .sorted().toList();
            // the problem's errors point at the first field; its detail names them all
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The request has invalid fields: " + String.join(", ", names),
                    names.get(0));
        }
        return value;
    }
}
