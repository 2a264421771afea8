package org.openvdi.gateway.redeem;

/** The broker could not be asked, or gave an answer that is not part of the redeem contract. */
public class BrokerUnavailableException extends Exception {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
