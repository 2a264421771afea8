package org.openvdi.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port on 127.0.0.1 that forwards every connection to a target (a TCP address or a Unix socket):
 * a network path a test can cut ({@link #stop()}: every open connection drops and nothing answers) and
 * restore ({@link #start()}) while both ends keep running. While the target is down, connections are
 * accepted and closed at once.
 */
public final class TcpProxy implements AutoCloseable {

    private final SocketAddress target;
    private final int port;
    private final List<Channel> open = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    public TcpProxy(SocketAddress target) throws IOException {
        this.target = target;
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public synchronized void start() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress("127.0.0.1", port));
        server = channel;
        daemon("tcp-proxy-accept", () -> accept(channel));
    }

    /** Cuts every open connection and stops listening: the target is unreachable until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException stopped) {
                return;
            }
            try {
                SocketChannel upstream = SocketChannel.open(target);
                if (!keep(channel, client, upstream)) {
                    return;
                }
                daemon("tcp-proxy-up", () -> pump(client, upstream));
                daemon("tcp-proxy-down", () -> pump(upstream, client));
            } catch (IOException targetDown) {
                closeQuietly(client);
            }
        }
    }

    /**
     * Keeps a connection accepted on {@code listener}, unless the path was cut meanwhile: a connection
     * accepted just before {@link #stop()} must not slip past it.
     */
    private synchronized boolean keep(ServerSocketChannel listener, SocketChannel client, SocketChannel upstream) {
        if (server != listener) {
            closeQuietly(client);
            closeQuietly(upstream);
            return false;
        }
        open.add(client);
        open.add(upstream);
        return true;
    }

    private void pump(SocketChannel from, SocketChannel to) {
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
            open.remove(from);
            open.remove(to);
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
