package org.openvdi.gateway.tunnel;

import java.io.IOException;
import java.util.function.BooleanSupplier;

import org.apache.guacamole.GuacamoleConnectionClosedException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies guacd's instructions to the browser on the tunnel's thread, gathered into frames of about 8 KiB
 * (a frame goes out when it is full or guacd has nothing more ready), until guacd or the gateway ends
 * the stream. A closed guacd socket is a normal end, not a failure.
 */
final class DisplayPump {

    private static final Logger log = LoggerFactory.getLogger(DisplayPump.class);
    private static final int FRAME_CHARS = 8192;

    private final BrowserChannel browser;
    private final BooleanSupplier closing;
    private final TunnelRequest request;

    DisplayPump(BrowserChannel browser, BooleanSupplier closing, TunnelRequest request) {
        this.browser = browser;
        this.closing = closing;
        this.request = request;
    }

    /** Returns when the stream ended; throws when it broke or the browser could not take it. */
    void copy(GuacamoleTunnel tunnel) throws TunnelFailureException, IOException {
        GuacamoleReader reader = tunnel.acquireReader();
        try {
            StringBuilder frame = new StringBuilder(FRAME_CHARS);
            char[] instructions;
            while ((instructions = read(reader)) != null) {
                frame.append(instructions);
                if (frame.length() >= FRAME_CHARS || !reader.available()) {
                    browser.send(frame.toString());
                    frame.setLength(0);
                }
            }
            if (!frame.isEmpty()) {
                browser.send(frame.toString());
            }
        } catch (GuacamoleException e) {
            if (!closing.getAsBoolean()) {
                throw new TunnelFailureException(TunnelFailure.DISPLAY_LOST, "guacd stream failed", e);
            }
            log.debug("guacd stream of {} ended while closing", request, e);
        } finally {
            tunnel.releaseReader();
        }
    }

    /** The next instructions from guacd, or {@code null} once guacd or this gateway closed the stream. */
    private char[] read(GuacamoleReader reader) throws TunnelFailureException {
        try {
            return reader.read();
        } catch (GuacamoleConnectionClosedException e) {
            log.debug("guacd closed the stream of {}", request, e);
            return null;
        } catch (GuacamoleException e) {
            if (closing.getAsBoolean()) {
                log.debug("guacd stream of {} ended while closing", request, e);
                return null;
            }
            throw new TunnelFailureException(TunnelFailure.DISPLAY_LOST, "reading from guacd failed", e);
        }
    }
}
