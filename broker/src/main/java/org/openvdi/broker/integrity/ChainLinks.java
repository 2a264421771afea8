package org.openvdi.broker.integrity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.openvdi.broker.store.CopyRow;

/**
 * The chain's hash function. Link n is SHA-256 over a domain tag, link n-1 (32 zero bytes before the first event)
 * and the event as stored: its global index, identifier, aggregate id, sequence number, aggregate type, timestamp
 * text, payload type and revision, payload bytes and metadata bytes. Each field is length-prefixed (-1 for null),
 * so no two different events encode the same. One instance per thread: it keeps its digest.
 */
final class ChainLinks {

    static final byte[] GENESIS = new byte[32];
    private static final byte[] TAG = "openvdi-event-chain-v1".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha256;
    private final byte[] number = new byte[8];

    ChainLinks() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** The link that follows {@code previous} for {@code event}. */
    byte[] next(byte[] previous, StoredEvent event) {
        sha256.update(TAG);
        sha256.update(previous);
        putLong(event.globalIndex());
        putText(event.eventIdentifier());
        putText(event.aggregateIdentifier());
        putLong(event.sequenceNumber());
        putText(event.type());
        putText(event.timestamp());
        putText(event.payloadType());
        putText(event.payloadRevision());
        putBytes(event.payload());
        putBytes(event.metadata());
        return sha256.digest();
    }

    /**
     * The link that follows {@code previous} for the event in {@code row}, read from column {@code first} on in the
     * order of {@link StoredEvent#COLUMNS}: the same bytes as {@link #next(byte[], StoredEvent)}, hashed straight from
     * the driver's buffers. Text columns come as the driver received them, UTF-8 (the PostgreSQL driver always talks
     * UTF-8), so no string is decoded and encoded again.
     */
    byte[] next(byte[] previous, ResultSet row, int first) throws SQLException {
        sha256.update(TAG);
        sha256.update(previous);
        putLong(row.getLong(first));
        putBytes(row.getBytes(first + 1));
        putBytes(row.getBytes(first + 2));
        putLong(row.getLong(first + 3));
        for (int column = first + 4; column <= first + 9; column++) {
            putBytes(row.getBytes(column));
        }
        return sha256.digest();
    }

    /**
     * The link that follows {@code previous} (32 bytes from {@code previousAt}) for the event in {@code row}, a row of
     * binary COPY with the columns of {@link StoredEvent#COLUMNS} from column {@code first} on, written into
     * {@code link}: the same bytes as {@link #next(byte[], StoredEvent)}, hashed in place. False when the row's numbers
     * are not bigints.
     */
    boolean next(byte[] previous, int previousAt, CopyRow row, int first, byte[] link) {
        if (row.length(first) != 8 || row.length(first + 3) != 8) {
            return false;
        }
        byte[] data = row.data();
        sha256.update(TAG);
        sha256.update(previous, previousAt, 32);
        sha256.update(data, row.start(first), 8);
        sha256.update(data, row.prefix(first + 1), row.end(first + 2) - row.prefix(first + 1));
        sha256.update(data, row.start(first + 3), 8);
        sha256.update(data, row.prefix(first + 4), row.end(first + 9) - row.prefix(first + 4));
        try {
            sha256.digest(link, 0, link.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("A SHA-256 digest does not fit 32 bytes", e);
        }
        return true;
    }

    private void putText(String text) {
        putBytes(text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    private void putBytes(byte[] bytes) {
        if (bytes == null) {
            putInt(-1);
        } else {
            putInt(bytes.length);
            sha256.update(bytes);
        }
    }

    private void putInt(int value) {
        for (int i = 0; i < 4; i++) {
            number[i] = (byte) (value >>> (24 - 8 * i));
        }
        sha256.update(number, 0, 4);
    }

    private void putLong(long value) {
        for (int i = 0; i < 8; i++) {
            number[i] = (byte) (value >>> (56 - 8 * i));
        }
        sha256.update(number, 0, 8);
    }
}
