package org.openvdi.gateway.tunnel;

/** A tunnel cannot go on, for a reason the browser is told about through {@link TunnelFailure}. */
class TunnelFailureException extends Exception {

    private final TunnelFailure failure;

    TunnelFailureException(TunnelFailure failure, String detail, Throwable cause) {
        super(failure.name() + ": " + detail, cause);
        this.failure = failure;
    }

    TunnelFailureException(TunnelFailure failure, String detail) {
        this(failure, detail, null);
    }

    TunnelFailure failure() {
        return failure;
    }
}
