package org.openvdi.broker.hypervisor;

/**
 * A hypervisor operation failed; {@link #retryable()} tells whether trying again may help, {@link #failure()}
 * what kind of failure it was. The message is written by the broker, never copied from the hypervisor, and
 * cleaned to a short printable line ({@link ReasonText}), so it may go into events, logs and API answers.
 */
public class HypervisorException extends RuntimeException {

    private final boolean retryable;
    private final HypervisorFailure failure;

    public HypervisorException(HypervisorFailure failure, String message, boolean retryable, Throwable cause) {
        super(ReasonText.clean(message), cause);
        this.retryable = retryable;
        this.failure = failure;
    }

    public HypervisorException(HypervisorFailure failure, String message, boolean retryable) {
        this(failure, message, retryable, null);
    }

    public HypervisorException(String message, boolean retryable, Throwable cause) {
        this(HypervisorFailure.FAILED, message, retryable, cause);
    }

    public HypervisorException(String message, boolean retryable) {
        this(HypervisorFailure.FAILED, message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }

    public HypervisorFailure failure() {
        return failure;
    }
}
