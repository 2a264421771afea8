package org.openvdi.broker.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
                throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Field " + ProblemDetailsAdvice.fieldName(field.getKey())
                        + " is required and cannot be removed");
            }
        }
        T value;
        try {
            value = strict.treeToValue(patch, type);
        } catch (UnrecognizedPropertyException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Unknown field " + ProblemDetailsAdvice.path(e));
        } catch (JsonMappingException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Invalid value for " + ProblemDetailsAdvice.path(e));
        } catch (JsonProcessingException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The patch is not of the expected shape");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The request has invalid fields: " + violations.stream()
                    .map(v -> v.getPropertyPath().iterator().next().getName()).distinct().sorted()
                    .collect(Collectors.joining(", ")));
        }
        return value;
    }
}
