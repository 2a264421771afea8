package org.openvdi.broker.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
        } catch (ValueInstantiationException e) {
            throw refused(e);
        } catch (JsonMappingException e) {
            String path = ProblemDetailsAdvice.path(e);
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "Invalid value for " + path, path);
        } catch (JsonProcessingException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The patch is not of the expected shape");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            // each field at fault with its own message, as bean validation of a request body names them
            Map<String, String> fields = new TreeMap<>();
            for (ConstraintViolation<T> violation : violations) {
                fields.merge(violation.getPropertyPath().iterator().next().getName(), violation.getMessage(),
                        (a, b) -> a.equals(b) ? a : a + "; " + b);
            }
            throw new BrokerException(ErrorCode.VALIDATION_FAILED,
                    "The request has invalid fields: " + String.join(", ", fields.keySet()), fields);
        }
        return value;
    }

    /**
     * A value our own record refused to be made of (its constructor checks its invariants): its message is ours and
     * names the rule, never the input, so it is answered; when it starts with one of the record's fields
     * ("safetyMargin must be ...") the error points at that field. A library's refusal only names the path.
     */
    private static BrokerException refused(ValueInstantiationException e) {
        String path = ProblemDetailsAdvice.path(e);
        String at = path.equals("the body") ? "" : path;
        Throwable cause = e.getCause();
        if (!(cause instanceof IllegalArgumentException || cause instanceof NullPointerException) || !ours(cause)
                || cause.getMessage() == null) {
            return new BrokerException(ErrorCode.VALIDATION_FAILED, "Invalid value for " + path, at.isEmpty() ? null : at);
        }
        String message = cause.getMessage();
        String first = message.split("[^A-Za-z0-9]", 2)[0];
        Class<?> type = e.getType() == null ? null : e.getType().getRawClass();
        if (type != null && type.isRecord()
                && Arrays.stream(type.getRecordComponents()).anyMatch(c -> c.getName().equals(first))) {
            at = at.isEmpty() ? first : at + "." + first;
        }
        return new BrokerException(ErrorCode.VALIDATION_FAILED, message, at.isEmpty() ? null : at);
    }

    /** Whether the exception was thrown by the broker's own code (a record's check), not by a library's. */
    private static boolean ours(Throwable cause) {
        for (StackTraceElement frame : cause.getStackTrace()) {
            if (!frame.getClassName().startsWith("java.")) {
                return frame.getClassName().startsWith("org.openvdi.");
            }
        }
        return false;
    }
}
