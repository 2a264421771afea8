package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a VNC display whether it is up: connects and reads the 12-byte RFB protocol version the
 * server sends first ({@code "RFB 003.008\n"} and the like), then hangs up without answering.
 */
public class RfbProbe {

    private static final Logger log = LoggerFactory.getLogger(RfbProbe.class);
    private static final int GREETING_LENGTH = 12;
    private static final Pattern GREETING = Pattern.compile("RFB 003\\.\\d{3}\n");

    private final Duration connectTimeout;
    private final Duration readTimeout;

    public RfbProbe(Duration connectTimeout, Duration readTimeout) {
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** True only if a server at {@code host:port} greets with an RFB 3.x version within the timeouts. */
    public boolean answers(String host, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(connectTimeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            String greeting = readGreeting(socket.getInputStream());
            boolean rfb = GREETING.matcher(greeting).matches();
            if (!rfb) {
                log.debug("{}:{} answered, but not with an RFB 3.x greeting", host, port);
            }
            return rfb;
        } catch (IOException e) {
            // an unreachable or silent display is the answer this probe exists to give
            log.debug("no RFB greeting from {}:{}: {}", host, port, e.toString());
            return false;
        }
    }

    private static String readGreeting(InputStream in) throws IOException {
        byte[] greeting = in.readNBytes(GREETING_LENGTH);
        return new String(greeting, StandardCharsets.US_ASCII);
    }
}
