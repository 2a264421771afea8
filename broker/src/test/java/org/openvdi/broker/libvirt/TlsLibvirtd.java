package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openvdi.broker.Virsh;

/**
 * A second, system-mode libvirtd on this machine that listens only for {@code qemu+tls://} on a loopback address
 * (127.0.0.2), with a CA, a server and a client certificate made here by openssl: a remote KVM host as the broker
 * sees one. It never disturbs the machine's own libvirtd, which other tests use:
 * <ul>
 * <li>it runs in a mount namespace of its own ({@code unshare --mount}), in which libvirt's fixed system
 * directories ({@code /run/libvirt}, {@code /var/lib/libvirt}, {@code /etc/libvirt}, {@code /var/cache/libvirt},
 * {@code /var/log/libvirt}) are a tmpfs or directories under this daemon's work directory. A root libvirtd has no
 * setting for them, and two daemons sharing them clash (the QEMU driver locks {@code /run/libvirt/qemu/driver.pid});</li>
 * <li>its pid file, its unix sockets and its log lie in the work directory;</li>
 * <li>its guests write their console output to files, not to virtlogd (the machine's virtlogd socket is hidden by
 * the tmpfs), and their VNC displays take ports 25900–25999, a range the machine's libvirtd does not hand out.</li>
 * </ul>
 * Everything it runs is fixed here or a path of the test's own work directory, never user input.
 */
final class TlsLibvirtd implements AutoCloseable {

    static final String ADDRESS = "127.0.0.2";
    static final int DISPLAY_PORT_MIN = 25900;
    static final int DISPLAY_PORT_MAX = 25999;
    private static final String ORGANISATION = "OpenVDI test";
    private static final String CLIENT_NAME = "openvdi-broker";
    private static final String NETWORK = "openvdi";

    private final Path work;
    private final Path clientPki;
    private final int port;
    private Process process;

    private TlsLibvirtd(Path work, int port) {
        this.work = work;
        this.clientPki = work.resolve("client-pki");
        this.port = port;
    }

    /** Whether this machine has what the daemon needs: libvirtd, openssl, unshare, and root for the mounts. */
    static boolean available() {
        return run(List.of("sh", "-c", "[ \"$(id -u)\" = 0 ] && command -v libvirtd && command -v openssl"
                + " && command -v unshare && [ -d /run/libvirt ] && [ -d /var/lib/libvirt ] && [ -d /etc/libvirt ]"
                + " && [ -d /var/cache/libvirt ] && [ -d /var/log/libvirt ]")).exitCode() == 0;
    }

    /** Makes the certificates and the configuration under {@code work}, starts the daemon and waits until it listens. */
    static TlsLibvirtd start(Path work) throws IOException, InterruptedException {
        TlsLibvirtd daemon = new TlsLibvirtd(work, freePort());
        daemon.makeCertificates();
        daemon.writeConfiguration();
        daemon.launch();
        daemon.createNetwork();
        return daemon;
    }

    /** The directory the broker may take {@code pkipath} directories from ({@code openvdi.host-uris.tls-pki-directory}). */
    static Path clientPkiDirectory(Path work) {
        return work.resolve("client-pki");
    }

    /** The URI the broker registers the host with: TLS, the client certificate of {@link #clientPkiDirectory}. */
    String uri() {
        return "qemu+tls://" + ADDRESS + ":" + port + "/system?pkipath=" + clientPki.resolve("broker");
    }

    /** virsh against this daemon, over TLS with the broker's certificate. */
    Virsh.Result virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", uri()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Destroys and undefines every domain of this daemon (all of them are the test's), then stops the daemon. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            for (String domain : virsh("list", "--all", "--name").lines()) {
                virsh("destroy", domain);
                virsh("undefine", domain);
            }
            // a bridge outlives the daemon that made it
            virsh("net-destroy", NETWORK);
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        process = null;
    }

    /**
     * The libvirt network templates put desktops on by default ({@code openvdi}), as host setup makes it on every
     * host, here only a bridge of its own (no address, so no DHCP server and no firewall rules): the machine's
     * libvirtd has its own {@code openvdi} network with its own bridge in the same network namespace.
     */
    private void createNetwork() throws IOException, InterruptedException {
        Path xml = work.resolve("network.xml");
        Files.writeString(xml, "<network><name>" + NETWORK + "</name><bridge name='vdit"
                + Integer.toHexString(port) + "' stp='off'/></network>\n");
        Virsh.Result created = virsh("net-create", xml.toString());
        if (created.exitCode() != 0) {
            close();
            throw new IllegalStateException("the TLS libvirtd did not create its network: " + created.output());
        }
    }

    private void makeCertificates() throws IOException {
        Path ca = Files.createDirectories(work.resolve("pki/ca"));
        Path server = Files.createDirectories(work.resolve("pki/server"));
        Path client = Files.createDirectories(clientPki.resolve("broker"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", ca.resolve("cakey.pem").toString(), "-out", ca.resolve("cacert.pem").toString(),
                "-subj", "/O=" + ORGANISATION + "/CN=" + ORGANISATION + " CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        sign(ca, server.resolve("serverkey.pem"), server.resolve("servercert.pem"), ADDRESS,
                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:" + ADDRESS + "\n");
        sign(ca, client.resolve("clientkey.pem"), client.resolve("clientcert.pem"), CLIENT_NAME,
                "extendedKeyUsage=clientAuth\n");
        // libvirt's client reads cacert.pem, clientcert.pem and clientkey.pem from its pkipath directory
        Files.copy(ca.resolve("cacert.pem"), client.resolve("cacert.pem"));
    }

    private void sign(Path ca, Path key, Path certificate, String commonName, String extensions) throws IOException {
        Path request = key.resolveSibling(commonName + ".csr");
        Path extensionFile = key.resolveSibling(commonName + ".ext");
        Files.writeString(extensionFile, "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\n" + extensions);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", request.toString(),
                "-subj", "/O=" + ORGANISATION + "/CN=" + commonName);
        openssl("x509", "-req", "-days", "2", "-in", request.toString(), "-CA", ca.resolve("cacert.pem").toString(),
                "-CAkey", ca.resolve("cakey.pem").toString(), "-CAcreateserial", "-out", certificate.toString(),
                "-extfile", extensionFile.toString());
    }

    private void writeConfiguration() throws IOException {
        for (String directory : List.of("state/run", "state/lib", "state/etc", "state/cache", "state/log")) {
            Files.createDirectories(work.resolve(directory));
        }
        Files.writeString(work.resolve("state/etc/qemu.conf"), """
                user = "root"
                group = "root"
                security_driver = "none"
                namespaces = [ ]
                cgroup_controllers = [ ]
                remember_owner = 0
                stdio_handler = "file"
                remote_display_port_min = %d
                remote_display_port_max = %d
                """.formatted(DISPLAY_PORT_MIN, DISPLAY_PORT_MAX));
        Files.writeString(work.resolve("libvirtd.conf"), """
                listen_tls = 1
                listen_tcp = 0
                listen_addr = "%s"
                tls_port = "%d"
                key_file = "%s"
                cert_file = "%s"
                ca_file = "%s"
                auth_tls = "none"
                tls_allowed_dn_list = ["O=%s,CN=%s"]
                unix_sock_dir = "%s"
                log_outputs = "3:file:%s"
                """.formatted(ADDRESS, port, work.resolve("pki/server/serverkey.pem"),
                work.resolve("pki/server/servercert.pem"), work.resolve("pki/ca/cacert.pem"), ORGANISATION, CLIENT_NAME,
                work.resolve("state/run"), work.resolve("libvirtd.log")));
    }

    private void launch() throws IOException, InterruptedException {
        String mounts = "mount -t tmpfs tmpfs /run/libvirt"
                + " && mount --bind \"$1/state/lib\" /var/lib/libvirt"
                + " && mount --bind \"$1/state/etc\" /etc/libvirt"
                + " && mount --bind \"$1/state/cache\" /var/cache/libvirt"
                + " && mount --bind \"$1/state/log\" /var/log/libvirt"
                + " && exec libvirtd --listen --config \"$1/libvirtd.conf\" --pid-file \"$1/state/libvirtd.pid\"";
        process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", mounts, "sh", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("daemon.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the TLS libvirtd exited with " + process.exitValue() + ": "
                        + Files.readString(work.resolve("daemon.out")));
            }
            if (listening()) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("the TLS libvirtd did not listen on " + ADDRESS + ":" + port + " within 30 s");
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ADDRESS, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
            return socket.getLocalPort();
        }
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Virsh.Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IOException("openssl " + args[0] + " failed: " + result.output());
        }
    }

    private static Virsh.Result run(List<String> command) {
        try {
            Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(started.getInputStream().readAllBytes());
            return new Virsh.Result(started.waitFor(), output);
        } catch (IOException e) {
            return new Virsh.Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Virsh.Result(-1, "interrupted");
        }
    }
}
