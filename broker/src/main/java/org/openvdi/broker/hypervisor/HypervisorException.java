package org.openvdi.broker.hypervisor;

/** A hypervisor operation failed; {@link #retryable()} tells whether trying again may help. */
public class HypervisorException extends RuntimeException {

    private final boolean retryable;

    public HypervisorException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public HypervisorException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
