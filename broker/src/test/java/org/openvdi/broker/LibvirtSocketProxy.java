package org.openvdi.broker;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TCP port that forwards to the local libvirtd's socket: a KVM host reached over the network
 * ({@code qemu+tcp://127.0.0.1:<port>/system}) whose network a test can cut ({@link #stop()}) and
 * restore ({@link #start()}) while libvirtd itself keeps running.
 */
public final class LibvirtSocketProxy implements AutoCloseable {

    private static final Path SOCKET = Path.of("/var/run/libvirt/libvirt-sock");

    private final TcpProxy proxy;

    public LibvirtSocketProxy() throws IOException {
        this.proxy = new TcpProxy(UnixDomainSocketAddress.of(SOCKET));
    }

    /** Whether a local libvirtd listens on its usual socket. */
    public static boolean available() {
        return Files.exists(SOCKET);
    }

    public String uri() {
        return "qemu+tcp://127.0.0.1:" + proxy.port() + "/system";
    }

    public void start() throws IOException {
        proxy.start();
    }

    /** Cuts every open connection and stops listening: the host is unreachable until {@link #start()}. */
    public void stop() {
        proxy.stop();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
