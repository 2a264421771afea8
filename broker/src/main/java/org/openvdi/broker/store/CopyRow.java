package org.openvdi.broker.store;

import java.nio.charset.StandardCharsets;

/**
 * One row of a {@code COPY ... TO STDOUT (FORMAT binary)} as the driver hands it over (one array per row; the first
 * also holds the format's header, the trailer comes alone), read in place: where each column's bytes start and how
 * many there are (-1: null). A column is its length as a 4-byte big-endian integer followed by its bytes; a bigint is
 * 8 big-endian bytes, text is UTF-8, bytea its raw bytes. Reused from row to row. The audit rebuild reads the event
 * store with it, and chain verification hashes its links straight over the received column encodings.
 */
public final class CopyRow {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final int[] starts;
    private final int[] lengths;
    private byte[] data;

    public CopyRow(int columns) {
        this.starts = new int[columns];
        this.lengths = new int[columns];
    }

    /** Reads the row in {@code data}; false when it holds none (the header alone or the trailer). */
    public boolean read(byte[] data) {
        this.data = data;
        int at = 0;
        if (data.length >= SIGNATURE.length + 8
                && java.util.Arrays.equals(data, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            at = SIGNATURE.length + 4;
            at += 4 + intAt(at);
        }
        if (data.length - at < 2) {
            return false;
        }
        int columns = (short) (((data[at] & 0xff) << 8) | (data[at + 1] & 0xff));
        at += 2;
        if (columns == -1) {
            return false;
        }
        if (columns != starts.length) {
            throw new IllegalStateException("A binary COPY row has " + columns + " columns, not " + starts.length);
        }
        for (int column = 0; column < columns; column++) {
            int length = intAt(at);
            starts[column] = at + 4;
            lengths[column] = length;
            at += 4 + Math.max(0, length);
            if (at > data.length) {
                throw new IllegalStateException("A binary COPY row ends inside column " + column);
            }
        }
        return true;
    }

    public byte[] data() {
        return data;
    }

    public int start(int column) {
        return starts[column];
    }

    /** Column {@code column}'s length in bytes, -1 for null. */
    public int length(int column) {
        return lengths[column];
    }

    /** Where column {@code column}'s length starts: the column as the format encodes it, length and bytes. */
    public int prefix(int column) {
        return starts[column] - 4;
    }

    /** Just after column {@code column}'s last byte. */
    public int end(int column) {
        return starts[column] + Math.max(0, lengths[column]);
    }

    public long longAt(int column) {
        if (lengths[column] != 8) {
            throw new IllegalStateException("Column " + column + " of a binary COPY row is not a bigint");
        }
        long value = 0;
        for (int i = starts[column]; i < starts[column] + 8; i++) {
            value = value << 8 | data[i] & 0xff;
        }
        return value;
    }

    /** Column {@code column} as text, null for null. */
    public String text(int column) {
        return lengths[column] < 0 ? null : new String(data, starts[column], lengths[column], StandardCharsets.UTF_8);
    }

    /** A copy of column {@code column}'s bytes, null for null. */
    public byte[] bytes(int column) {
        return lengths[column] < 0 ? null
                : java.util.Arrays.copyOfRange(data, starts[column], starts[column] + lengths[column]);
    }

    private int intAt(int at) {
        return (data[at] & 0xff) << 24 | (data[at + 1] & 0xff) << 16 | (data[at + 2] & 0xff) << 8 | data[at + 3] & 0xff;
    }
}
