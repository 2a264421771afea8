package org.openvdi.gateway.tunnel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of one tunnel: sends text frames one at a time, each bounded by the send timeout, so a
 * browser that stops reading costs only its own tunnel (the sender learns it and closes the tunnel).
 * Sends block the calling thread (the tunnel's own) rather than run as container callbacks; the bound is
 * Tomcat's per-session blocking-send timeout, which also bounds the close frame after a stuck send.
 */
final class BrowserChannel {

    /** Tomcat's bound on blocking sends, which includes the close frame sent after a stuck send. */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final Logger log = LoggerFactory.getLogger(BrowserChannel.class);
    /** How long the farewell of a closing tunnel waits for a display frame being sent. */
    static final long FAREWELL_WAIT_MILLIS = 1000;

    private final Session session;
    private final long timeoutMillis;
    private final TrafficCounter traffic;
    private final ReentrantLock sending = new ReentrantLock();
    private final Queue<String> replies = new ConcurrentLinkedQueue<>();

    BrowserChannel(Session session, Duration timeout, TrafficCounter traffic) {
        this.session = session;
        this.timeoutMillis = timeout.toMillis();
        this.traffic = traffic;
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, timeoutMillis);
    }

    /**
     * Sends one text frame and waits until it is written.
     *
     * @throws TunnelFailureException {@link TunnelFailure#BROWSER_TOO_SLOW} when the frame is not written in time
     * @throws IOException            when the browser is gone
     */
    void send(String text) throws TunnelFailureException, IOException {
        try {
            if (!sending.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new TunnelFailureException(TunnelFailure.BROWSER_TOO_SLOW, "an earlier send is still stuck");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunnelFailureException(TunnelFailure.GATEWAY_STOPPING, "interrupted while sending", e);
        }
        try {
            write(text);
            writeQueuedReplies();
        } finally {
            sending.unlock();
        }
        sendRepliesIfIdle();
    }

    /**
     * Queues a short reply (a ping answer) to go out right after the frame being sent, or at once when no
     * frame is being sent; never waits behind a frame. Both this and {@link #send} look at the queue after
     * their own step, so a reply is never left behind.
     */
    void reply(String text) {
        replies.add(text);
        sendRepliesIfIdle();
    }

    /**
     * Sends a frame once the frame being sent, if any, is out, waiting at most {@code waitMillis} for it; reports
     * whether it went out.
     */
    private boolean sendWithin(String text, long waitMillis) {
        try {
            if (!sending.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            write(text);
            return true;
        } catch (TunnelFailureException | IOException e) {
            log.debug("Frame for the browser of WebSocket {} not sent", session.getId(), e);
            return false;
        } finally {
            sending.unlock();
        }
    }

    private void sendRepliesIfIdle() {
        while (!replies.isEmpty() && sending.tryLock()) {
            try {
                writeQueuedReplies();
            } catch (TunnelFailureException | IOException e) {
                log.debug("Reply to the browser of WebSocket {} not sent; the display stream will notice",
                        session.getId(), e);
                return;
            } finally {
                sending.unlock();
            }
        }
    }

    private void writeQueuedReplies() throws TunnelFailureException, IOException {
        String reply;
        while ((reply = replies.poll()) != null) {
            write(reply);
        }
    }

    private void write(String text) throws TunnelFailureException, IOException {
        try {
            session.getBasicRemote().sendText(text);
            traffic.sentToClient(text);
        } catch (IOException e) {
            if (timedOut(e)) {
                throw new TunnelFailureException(TunnelFailure.BROWSER_TOO_SLOW,
                        "a frame of " + text.length() + " chars was not written within " + timeoutMillis + " ms", e);
            }
            throw e;
        } catch (IllegalStateException e) {
            throw new IOException("the WebSocket session is no longer usable", e);
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells the browser why the tunnel ends, after any instructions it has yet to get ({@code pending}, may be
     * {@code null}), and closes the WebSocket. When a display frame is being sent (a viewer cut off by a notice, on
     * the notice relay's thread, while its display streams), the farewell waits for that frame,
     * {@value #FAREWELL_WAIT_MILLIS} ms at most (or the send timeout, if shorter): sent at once or not at all, it was
     * lost whenever the display was busy, and the page could not say why it was cut off. A browser that stopped
     * reading gets the close alone.
     */
    void close(TunnelFailure failure, String pending) {
        if (!session.isOpen()) {
            return;
        }
        String farewell = Objects.toString(pending, "") + (failure == null ? "" : failure.errorInstruction());
        if (!farewell.isEmpty() && sendWithin(farewell, Math.min(FAREWELL_WAIT_MILLIS, timeoutMillis))) {
            log.debug("Sent {} to the browser of session {}", failure, session.getId());
        }
        CloseReason reason = failure == null
                ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "0")
                : failure.closeReason();
        try {
            session.close(reason);
        } catch (IOException | IllegalStateException e) {
            log.debug("Closing the WebSocket {} failed; the container drops it", session.getId(), e);
        }
    }
}
