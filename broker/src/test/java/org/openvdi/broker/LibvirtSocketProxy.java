package org.openvdi.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port that forwards to the local libvirtd's socket: a KVM host reached over the network
 * ({@code qemu+tcp://127.0.0.1:<port>/system}) whose network a test can cut ({@link #stop()}) and
 * restore ({@link #start()}) while libvirtd itself keeps running.
 */
public final class LibvirtSocketProxy implements AutoCloseable {

    private static final Path SOCKET = Path.of("/var/run/libvirt/libvirt-sock");

    private final int port;
    private final List<Channel> open = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    public LibvirtSocketProxy() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    /** Whether a local libvirtd listens on its usual socket. */
    public static boolean available() {
        return Files.exists(SOCKET);
    }

    public String uri() {
        return "qemu+tcp://127.0.0.1:" + port + "/system";
    }

    public synchronized void start() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress("127.0.0.1", port));
        server = channel;
        daemon("libvirt-proxy-accept", () -> accept(channel));
    }

    /** Cuts every open connection and stops listening: the host is unreachable until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        open.forEach(LibvirtSocketProxy::closeQuietly);
        open.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                SocketChannel libvirtd = SocketChannel.open(UnixDomainSocketAddress.of(SOCKET));
                open.add(client);
                open.add(libvirtd);
                daemon("libvirt-proxy-up", () -> pump(client, libvirtd));
                daemon("libvirt-proxy-down", () -> pump(libvirtd, client));
            } catch (IOException stopped) {
                return;
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException closed) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
