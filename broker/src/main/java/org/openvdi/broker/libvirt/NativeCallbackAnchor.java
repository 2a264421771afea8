package org.openvdi.broker.libvirt;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps objects that libvirt may still call back into reachable for the life of the process.
 *
 * <p>libvirt holds raw pointers to the JNA callbacks of a connection (its close callback, domain
 * event callbacks) until its own last reference to that connection is gone, which can be after
 * {@code Connect.close()} returned: domain handles and the keepalive timer hold references too. If
 * the Java objects behind those callbacks were collected in between, libvirt's event loop would
 * jump into freed memory and crash the JVM. A closed connection and the listeners removed from it
 * are therefore anchored here instead of becoming garbage. They are few: one per reconnect or
 * unsubscription.
 */
final class NativeCallbackAnchor {

    private static final List<Object> ANCHORED = new ArrayList<>();

    private NativeCallbackAnchor() {
    }

    static synchronized void keep(Object callbackOwner) {
        ANCHORED.add(callbackOwner);
    }
}
