package org.openvdi.broker.hypervisor;

/** A running desktop's VNC display. */
public record DisplayEndpoint(String host, int port, String password) {
}
