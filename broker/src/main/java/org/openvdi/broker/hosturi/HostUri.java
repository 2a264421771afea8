package org.openvdi.broker.hosturi;

import java.util.Map;

/**
 * A libvirt host URI that passed {@link HostUriSyntax}: nothing in it is percent-encoded, and every part is
 * one the syntax allows for its scheme.
 *
 * @param scheme     the transport
 * @param user       the ssh user, or null
 * @param host       host name or address (IPv6 without brackets), or null for the local libvirtd
 * @param port       port, or -1 for the transport's default
 * @param path       {@code /system}, or for the test driver {@code /default} or the XML file's path
 * @param parameters query parameters, each name at most once
 */
public record HostUri(Scheme scheme, String user, String host, int port, String path, Map<String, String> parameters) {

    public HostUri {
        parameters = Map.copyOf(parameters);
    }

    /** The transports a host URI may use. */
    public enum Scheme {
        TEST("test"), QEMU("qemu"), QEMU_SSH("qemu+ssh"), QEMU_TLS("qemu+tls"), QEMU_TCP("qemu+tcp");

        private final String text;

        Scheme(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** Whether this is libvirt's built-in test host, {@code test:///default}. */
    public boolean isDefaultTestHost() {
        return scheme == Scheme.TEST && "/default".equals(path);
    }
}
