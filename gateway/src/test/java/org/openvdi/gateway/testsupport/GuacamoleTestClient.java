package org.openvdi.gateway.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A browser stand-in: a real WebSocket client (java.net.http) speaking the {@code guacamole} subprotocol.
 * It parses what the gateway sends (without guacamole-common's 8 KiB instruction limit, which guacd's
 * {@code blob}s can exceed), can answer {@code sync} like Guacamole.Client does, and can stop
 * reading altogether (it then requests no more frames, so TCP back-pressure builds up at the gateway).
 */
public final class GuacamoleTestClient implements AutoCloseable {

    /** How the WebSocket was closed by the gateway. */
    public record Closed(int code, String reason) {
    }

    private final boolean answerSyncs;
    private final StringBuilder pending = new StringBuilder();
    private final List<GuacamoleInstruction> instructions = new ArrayList<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final AtomicLong charsReceived = new AtomicLong();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private CompletableFuture<WebSocket> sending;
    private WebSocket webSocket;

    private GuacamoleTestClient(boolean answerSyncs) {
        this.answerSyncs = answerSyncs;
    }

    /** Opens {@code ws://127.0.0.1:<port>/tunnel?token=..&width=1024&height=768&dpi=96}. */
    public static GuacamoleTestClient open(int gatewayPort, String token, boolean answerSyncs) {
        return open(gatewayPort, token, answerSyncs, Map.of());
    }

    /** Opens the tunnel as a page of {@code origin} would (null: no Origin header, like a non-browser client). */
    public static GuacamoleTestClient open(int gatewayPort, String token, boolean answerSyncs, String origin) {
        return open(gatewayPort, token, answerSyncs, origin == null ? Map.of() : Map.of("Origin", origin));
    }

    /** Opens the tunnel with these extra handshake headers. */
    public static GuacamoleTestClient open(int gatewayPort, String token, boolean answerSyncs, Map<String, String> headers) {
        String query = token == null ? "width=1024&height=768&dpi=96"
                : "token=" + token + "&width=1024&height=768&dpi=96";
        GuacamoleTestClient client = new GuacamoleTestClient(answerSyncs);
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("guacamole")
                .connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        builder.buildAsync(URI.create("ws://127.0.0.1:" + gatewayPort + "/tunnel?" + query), client.new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        return client;
    }

    public synchronized List<GuacamoleInstruction> instructions() {
        return List.copyOf(instructions);
    }

    public synchronized long count(String opcode) {
        return instructions.stream().filter(i -> i.getOpcode().equals(opcode)).count();
    }

    public long charsReceived() {
        return charsReceived.get();
    }

    public synchronized String subprotocol() {
        return webSocket.getSubprotocol();
    }

    /** Stops taking frames from the socket, like a browser tab that hangs. */
    public void stopReading() {
        reading.set(false);
    }

    /** Sends raw Guacamole instructions, in order with every other send. */
    public synchronized void send(String instructionsText) {
        sending = sending.thenCompose(ws -> ws.sendText(instructionsText, true));
    }

    public CompletableFuture<Closed> closed() {
        return closed;
    }

    /** Closes the WebSocket normally, as a closing tab does. */
    @Override
    public void close() {
        synchronized (this) {
            sending = sending.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        }
        if (!reading.get()) {
            abort();
        }
    }

    /** Drops the TCP connection without a close handshake. */
    public synchronized void abort() {
        webSocket.abort();
    }

    private synchronized void received(CharSequence text) {
        charsReceived.addAndGet(text.length());
        pending.append(text);
        int consumed = 0;
        List<String> elements = new ArrayList<>();
        int position = 0;
        while (true) {
            int dot = pending.indexOf(".", position);
            if (dot < 0) {
                break;
            }
            int end = dot + 1 + Integer.parseInt(pending.substring(position, dot));
            if (end >= pending.length()) {
                break;
            }
            elements.add(pending.substring(dot + 1, end));
            position = end + 1;
            if (pending.charAt(end) == ';') {
                instructionReceived(new GuacamoleInstruction(elements.get(0), elements.subList(1, elements.size())));
                elements = new ArrayList<>();
                consumed = position;
            }
        }
        pending.delete(0, consumed);
    }

    private void instructionReceived(GuacamoleInstruction instruction) {
        instructions.add(instruction);
        if (answerSyncs && instruction.getOpcode().equals("sync")) {
            send(new GuacamoleInstruction("sync", instruction.getArgs().get(0)).toString());
        }
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket ws) {
            synchronized (GuacamoleTestClient.this) {
                webSocket = ws;
                sending = CompletableFuture.completedFuture(ws);
            }
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            try {
                received(data);
            } catch (RuntimeException e) {
                closed.completeExceptionally(e);
                throw e;
            }
            if (reading.get()) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
