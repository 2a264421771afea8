package org.openvdi.broker.demo;

/** The demo history was not written, and why: the store is not the demo's, or it holds the history already. */
class DemoHistoryRefusedException extends RuntimeException {

    DemoHistoryRefusedException(String message) {
        super(message);
    }
}
