package org.openvdi.broker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.io.ReaderGuacamoleReader;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A Guacamole connection through the gateway, as the browser makes it: a WebSocket to {@code /tunnel} with a
 * one-time token and the {@code guacamole} subprotocol (java.net.http's client). The gateway's first
 * instruction is its internal one carrying the tunnel's UUID.
 */
final class TunnelLink implements GuacamoleLink {

    /** As long as guacamole-common waits on a guacd socket. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final QueuedTextReader arrivals = new QueuedTextReader(READ_TIMEOUT);
    private final ReaderGuacamoleReader reader = new ReaderGuacamoleReader(arrivals);
    private WebSocket webSocket;

    private TunnelLink() {
    }

    /** Opens {@code ws://127.0.0.1:<gatewayPort>/tunnel?token=..&width=..&height=..&dpi=96}. */
    static TunnelLink open(int gatewayPort, String token, int width, int height) {
        TunnelLink link = new TunnelLink();
        link.webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("guacamole")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + gatewayPort + "/tunnel?token=" + token + "&width=" + width
                        + "&height=" + height + "&dpi=96"), link.new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        return link;
    }

    @Override
    public void send(String instructions) throws GuacamoleException {
        try {
            webSocket.sendText(instructions, true).get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuacamoleServerException("interrupted while sending through the tunnel", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new GuacamoleServerException("sending through the tunnel failed", e);
        }
    }

    @Override
    public GuacamoleInstruction read() throws GuacamoleException {
        return reader.readInstruction();
    }

    @Override
    public void close() {
        if (!webSocket.isOutputClosed()) {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS);
        }
        arrivals.close();
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            arrivals.offer(data);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            arrivals.end();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            arrivals.fail(error);
        }
    }
}
