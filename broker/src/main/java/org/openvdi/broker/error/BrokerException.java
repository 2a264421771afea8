package org.openvdi.broker.error;

/** A business rule said no. Carries a stable code; the REST layer turns it into problem+json. */
public class BrokerException extends RuntimeException {

    private final ErrorCode code;
    private final String field;

    public BrokerException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** A rule about one field of the request: the problem names it in {@code errors}, as bean validation does. */
    public BrokerException(ErrorCode code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field at fault, or {@code null} when the rule is not about one field. */
    public String field() {
        return field;
    }
}
