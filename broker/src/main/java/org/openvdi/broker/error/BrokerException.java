package org.openvdi.broker.error;

import java.util.Map;

/** A business rule said no. Carries a stable code; the REST layer turns it into problem+json. */
public class BrokerException extends RuntimeException {

    private final ErrorCode code;
    private final String field;
    private final Map<String, String> fieldErrors;

    public BrokerException(ErrorCode code, String message) {
        this(code, message, (String) null);
    }

    /** A rule about one field of the request: the problem names it in {@code errors}, as bean validation does. */
    public BrokerException(ErrorCode code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field;
        this.fieldErrors = field == null ? Map.of() : Map.of(field, message);
    }

    /**
     * Rules about several fields at once: the problem names each in {@code errors} with its own message, so a form
     * shows every one next to its field. {@code fieldErrors} in the order they are to be shown; not empty.
     */
    public BrokerException(ErrorCode code, String message, Map<String, String> fieldErrors) {
        super(message);
        this.code = code;
        this.fieldErrors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fieldErrors));
        this.field = fieldErrors.keySet().iterator().next();
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field at fault, or {@code null} when the rule is not about one field. */
    public String field() {
        return field;
    }

    /** Each field at fault with its message (the one field of a single-field rule); empty when none is. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
