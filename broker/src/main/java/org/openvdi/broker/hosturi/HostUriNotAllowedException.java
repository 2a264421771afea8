package org.openvdi.broker.hosturi;

/**
 * A host URI is refused by the {@link HostUriPolicy}. The message says which rule refused it, in fixed words:
 * it never quotes the URI, which may hold control characters or be very long.
 */
public class HostUriNotAllowedException extends RuntimeException {

    public HostUriNotAllowedException(String message) {
        super(message);
    }
}
