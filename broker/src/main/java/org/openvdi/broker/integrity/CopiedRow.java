package org.openvdi.broker.integrity;

/**
 * One row of a {@code COPY ... TO STDOUT (FORMAT binary)}, read in place: where each column's bytes start in the
 * array the driver received and how many there are (-1: null). In that format a column is its length as a 4-byte
 * big-endian integer (-1 for null) followed by its bytes, a bigint is 8 big-endian bytes and text is UTF-8: the
 * same encoding {@link ChainLinks} hashes, so a link is computed over the received bytes without copying them.
 * The first row's array also holds the format's header, the trailer comes alone. Reused from row to row.
 */
final class CopiedRow {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final int MAX_COLUMNS = 16;

    private final int[] starts = new int[MAX_COLUMNS];
    private final int[] lengths = new int[MAX_COLUMNS];
    private byte[] data;
    private int columns;

    /** Reads the row in {@code data}; false when it holds none (the header alone or the trailer). */
    boolean read(byte[] data) {
        this.data = data;
        int at = 0;
        if (data.length >= SIGNATURE.length + 8 && java.util.Arrays.equals(data, 0, SIGNATURE.length, SIGNATURE, 0,
                SIGNATURE.length)) {
            at = SIGNATURE.length + 4;
            at += 4 + intAt(at);
        }
        if (data.length - at < 2) {
            return false;
        }
        columns = (short) (((data[at] & 0xff) << 8) | (data[at + 1] & 0xff));
        at += 2;
        if (columns < 0 || columns > MAX_COLUMNS) {
            return false;
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

    byte[] data() {
        return data;
    }

    /** Where column {@code column}'s bytes start (after its length). */
    int start(int column) {
        return starts[column];
    }

    /** Column {@code column}'s length in bytes, -1 for null. */
    int length(int column) {
        return lengths[column];
    }

    /** Where column {@code column}'s length starts: its encoding as {@link ChainLinks} hashes it. */
    int prefix(int column) {
        return starts[column] - 4;
    }

    /** Just after column {@code column}'s last byte. */
    int end(int column) {
        return starts[column] + Math.max(0, lengths[column]);
    }

    /** Column {@code column} as a bigint. */
    long longAt(int column) {
        if (lengths[column] != 8) {
            throw new IllegalStateException("Column " + column + " of a binary COPY row is not a bigint");
        }
        long value = 0;
        for (int i = starts[column]; i < starts[column] + 8; i++) {
            value = value << 8 | data[i] & 0xff;
        }
        return value;
    }

    private int intAt(int at) {
        return (data[at] & 0xff) << 24 | (data[at + 1] & 0xff) << 16 | (data[at + 2] & 0xff) << 8 | data[at + 3] & 0xff;
    }
}
