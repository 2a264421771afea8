package org.openvdi.templates.xml;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A desktop's virtio NIC.
 *
 * @param source     a libvirt network or a host bridge
 * @param sourceName the network's or bridge's name
 * @param macAddress the NIC's MAC address, lower-case {@code xx:xx:xx:xx:xx:xx}, locally administered unicast
 *                   ({@link LibvirtNames#macAddress(String)} derives one from the desktop id)
 */
public record NetworkInterface(Source source, String sourceName, String macAddress) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    /** What the NIC is plugged into. */
    public enum Source {
        /** {@code <interface type='network'><source network='...'/>}. */
        NETWORK("network", "network"),
        /** {@code <interface type='bridge'><source bridge='...'/>}. */
        BRIDGE("bridge", "bridge");

        private final String xmlType;
        private final String sourceAttribute;

        Source(String xmlType, String sourceAttribute) {
            this.xmlType = xmlType;
            this.sourceAttribute = sourceAttribute;
        }

        /** The value of {@code <interface type='...'>}. */
        public String xmlType() {
            return xmlType;
        }

        /** The attribute of {@code <source>} that names it. */
        public String sourceAttribute() {
            return sourceAttribute;
        }
    }

    public NetworkInterface {
        Objects.requireNonNull(source, "source");
        if (sourceName == null || !NAME.matcher(sourceName).matches()) {
            throw new IllegalArgumentException("network or bridge name must match " + NAME.pattern());
        }
        if (macAddress == null || !MAC.matcher(macAddress).matches()) {
            throw new IllegalArgumentException("MAC address must be six lower-case hex pairs separated by ':'");
        }
        int first = Integer.parseInt(macAddress.substring(0, 2), 16);
        if ((first & 1) != 0) {
            throw new IllegalArgumentException("MAC address must be unicast");
        }
    }
}
