package org.openvdi.broker.bench;

import java.io.IOException;
import java.io.Reader;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Reader} over text that arrives in pieces on other threads (WebSocket messages), so that
 * guacamole-common's {@code ReaderGuacamoleReader} can parse a tunnel's instructions as it parses guacd's.
 */
final class QueuedTextReader extends Reader {

    /** One arrival: text, the end of the stream, or a failure. */
    private record Piece(String text, IOException failure) {

        static final Piece END = new Piece(null, null);
    }

    private final BlockingQueue<Piece> pieces = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private String current = "";
    private int position;

    QueuedTextReader(Duration timeout) {
        this.timeout = timeout;
    }

    void offer(CharSequence text) {
        pieces.add(new Piece(text.toString(), null));
    }

    void end() {
        pieces.add(Piece.END);
    }

    void fail(Throwable cause) {
        pieces.add(new Piece(null, new IOException("the WebSocket failed", cause)));
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        while (position == current.length()) {
            Piece next;
            try {
                next = pieces.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the tunnel", e);
            }
            if (next == null) {
                throw new SocketTimeoutException("nothing arrived through the tunnel within " + timeout);
            }
            if (next.failure() != null) {
                throw next.failure();
            }
            if (next == Piece.END) {
                pieces.add(Piece.END);
                return -1;
            }
            current = next.text();
            position = 0;
        }
        int count = Math.min(length, current.length() - position);
        current.getChars(position, position + count, buffer, offset);
        position += count;
        return count;
    }

    @Override
    public boolean ready() {
        return position < current.length() || (pieces.peek() != null && pieces.peek().text() != null);
    }

    @Override
    public void close() {
        pieces.clear();
        end();
    }
}
