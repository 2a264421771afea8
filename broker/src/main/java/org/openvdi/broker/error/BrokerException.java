package org.openvdi.broker.error;

/** A business rule said no. Carries a stable code; the REST layer turns it into problem+json. */
public class BrokerException extends RuntimeException {

    private final ErrorCode code;

    public BrokerException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
