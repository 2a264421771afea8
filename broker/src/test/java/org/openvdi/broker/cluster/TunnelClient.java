package org.openvdi.broker.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tunnel as the desktop page opens it: a WebSocket ({@code guacamole} subprotocol) to the gateway's
 * {@code /tunnel?token=...}, here through the balancer. It keeps what the gateway sent, so a test can read the close
 * code of a refused token or the next resume token ({@code openvdi-resume}) of an accepted one.
 */
final class TunnelClient implements AutoCloseable {

    private static final Pattern RESUME = Pattern.compile("14\\.openvdi-resume,(\\d+)\\.");

    private final StringBuffer received = new StringBuffer();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private TunnelClient(HttpClient http, URI uri) throws Exception {
        socket = http.newWebSocketBuilder().subprotocols("guacamole").connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        if (received.length() < 1_000_000) {
                            received.append(data);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(30, TimeUnit.SECONDS);
    }

    /** Opens a tunnel presenting {@code token} at the gateway(s) behind {@code port}. */
    static TunnelClient open(HttpClient http, int port, String token) throws Exception {
        return new TunnelClient(http, URI.create("ws://127.0.0.1:" + port + "/tunnel?token=" + token));
    }

    /** The token of a connect URL ({@code .../connect?token=...}). */
    static String tokenOf(String connectUrl) {
        Matcher m = Pattern.compile("[?&]token=([^&#]+)").matcher(connectUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no token in " + connectUrl);
        }
        return m.group(1);
    }

    /** The close code once the gateway closed the tunnel, waiting at most {@code timeout}. */
    int closeCode(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    /** The resume token the gateway sent with the opened tunnel, once it arrived; null before. */
    String resumeToken() {
        Matcher m = RESUME.matcher(received);
        if (!m.find()) {
            return null;
        }
        int length = Integer.parseInt(m.group(1));
        return received.substring(m.end(), m.end() + length);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "closed by the test");
        }
        socket.abort();
    }
}
