package org.openvdi.broker.hypervisor;

/**
 * What kind of hypervisor failure happened, as events, logs above debug and API answers name it. The
 * hypervisor's own message never travels further than a debug log: it may quote files and paths.
 */
public enum HypervisorFailure {
    /** libvirtd could not be reached, or the connection broke. */
    CONNECTION_FAILED("libvirt cannot be reached"),
    /** libvirtd refused our credentials. */
    AUTHENTICATION_FAILED("libvirt refused the credentials"),
    /** The host URI is not allowed by the broker's host URI policy. */
    URI_NOT_ALLOWED("the host URI is not allowed"),
    /** A domain, volume or pool looked for does not exist. */
    NOT_FOUND("not found on the host"),
    /** The host is busy (a job lock timed out); trying again may help. */
    BUSY("the host is busy"),
    /** The emulator died while starting. */
    EMULATOR_FAILED("the emulator failed to start"),
    /** libvirt refused what was asked of it (invalid XML, argument or state). */
    REFUSED("libvirt refused the request"),
    /** The host or its driver does not support what was asked. */
    UNSUPPORTED("not supported by the host"),
    /** The host did not answer as expected (unreadable XML, missing display and the like). */
    UNEXPECTED_ANSWER("the host answered unexpectedly"),
    /** Storage on the host failed (volume or pool operation). */
    STORAGE_FAILED("a storage operation failed on the host"),
    /** The image does not match what was published, or cannot be read. */
    IMAGE_INVALID("the image does not match what was published"),
    /** Anything else. */
    FAILED("the operation failed");

    private final String description;

    HypervisorFailure(String description) {
        this.description = description;
    }

    /** A short, fixed English description: safe for events and logs. */
    public String description() {
        return description;
    }
}
