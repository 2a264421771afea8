package org.openvdi.templates.descriptor;

/**
 * Where each desktop's virtio NIC is plugged in: exactly one of a libvirt network and a host bridge.
 *
 * @param network name of a libvirt network that exists on every host
 * @param bridge  name of a Linux bridge that exists on every host
 */
public record Network(String network, String bridge) {

    /**
     * The libvirt network desktops are on unless their template says otherwise: the isolated network that
     * host setup creates (no forwarding; guests reach the host and each other, nothing beyond).
     */
    public static final String DEFAULT_NETWORK = "openvdi";

    /** On {@link #DEFAULT_NETWORK}. */
    public static final Network DEFAULT = new Network(DEFAULT_NETWORK, null);

    /** Whether the NIC is on a host bridge rather than a libvirt network. */
    public boolean bridged() {
        return bridge != null;
    }

    /** The network's or the bridge's name. */
    public String sourceName() {
        return bridged() ? bridge : network;
    }
}
