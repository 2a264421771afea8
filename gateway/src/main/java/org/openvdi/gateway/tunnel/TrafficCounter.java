package org.openvdi.gateway.tunnel;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the UTF-8 bytes of the WebSocket text a tunnel carried in each direction. */
final class TrafficCounter {

    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong fromClient = new AtomicLong();

    void sentToClient(CharSequence text) {
        toClient.addAndGet(utf8Length(text));
    }

    void receivedFromClient(CharSequence text) {
        fromClient.addAndGet(utf8Length(text));
    }

    long bytesToClient() {
        return toClient.get();
    }

    long bytesFromClient() {
        return fromClient.get();
    }

    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
