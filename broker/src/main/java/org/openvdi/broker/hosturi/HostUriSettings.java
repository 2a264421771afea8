package org.openvdi.broker.hosturi;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which libvirt host URIs the broker accepts ({@code openvdi.host-uris.*}); see {@link HostUriPolicy}. A
 * directory left unset turns off the URI parameters that name files in it.
 *
 * @param allowTcp            accept {@code qemu+tcp://} (unencrypted, unauthenticated unless SASL is set up on
 *                            the host): off by default, for labs and tests only
 * @param allowNoVerify       accept {@code no_verify=1}, which skips libvirt's checks of the remote end (the
 *                            ssh host key, the TLS server certificate): off by default, for labs only
 * @param sshKeyDirectory     the only directory whose files {@code qemu+ssh://} URIs may name in {@code keyfile}
 *                            and {@code known_hosts}
 * @param tlsPkiDirectory     the only directory whose sub-directories {@code qemu+tls://} URIs may name in
 *                            {@code pkipath}
 * @param testDriverDirectory the only directory whose XML files libvirt's test driver may load
 *                            ({@code test:///path/to/host.xml}); {@code test:///default} is always accepted
 */
@ConfigurationProperties("openvdi.host-uris")
public record HostUriSettings(@DefaultValue("false") boolean allowTcp,
                              @DefaultValue("false") boolean allowNoVerify,
                              Path sshKeyDirectory,
                              Path tlsPkiDirectory,
                              Path testDriverDirectory) {

    public HostUriSettings {
        requireAbsolute(sshKeyDirectory, "ssh-key-directory");
        requireAbsolute(tlsPkiDirectory, "tls-pki-directory");
        requireAbsolute(testDriverDirectory, "test-driver-directory");
    }

    /** Only the fixed URIs: no qemu+tcp, no no_verify=1, no file parameters, no test-driver files. */
    public static HostUriSettings strict() {
        return new HostUriSettings(false, false, null, null, null);
    }

    private static void requireAbsolute(Path directory, String name) {
        if (directory != null && !directory.isAbsolute()) {
            throw new IllegalArgumentException("openvdi.host-uris." + name + " must be an absolute path");
        }
    }
}
