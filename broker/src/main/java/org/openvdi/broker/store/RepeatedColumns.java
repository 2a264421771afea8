package org.openvdi.broker.store;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What a decoder derives from columns that repeat from row to row (payload type and revision, aggregate type), looked
 * up by the received bytes of those columns: a row costs a hash over a few dozen bytes and one comparison, not
 * decoded strings and a key built of them. One per thread; a small open-addressing table that stops caching when
 * full (a store has a few dozen payload types), so an odd store costs speed, never memory.
 */
final class RepeatedColumns<V> {

    private static final int SLOTS = 256;

    private final byte[][] keys = new byte[SLOTS][];
    private final Object[] values = new Object[SLOTS];
    private int size;

    /** The value for columns {@code first} and {@code second} of {@code row} (second -1: the first alone). */
    @SuppressWarnings("unchecked")
    V get(CopyRow row, int first, int second, Supplier<V> compute) {
        byte[] data = row.data();
        int hash = hash(data, row, first) * 31 + (second < 0 ? 7 : hash(data, row, second));
        int slot = hash & (SLOTS - 1);
        for (int probe = 0; probe < SLOTS; probe++, slot = (slot + 1) & (SLOTS - 1)) {
            byte[] key = keys[slot];
            if (key == null) {
                V value = compute.get();
                if (size < SLOTS / 2) {
                    keys[slot] = key(data, row, first, second);
                    values[slot] = value;
                    size++;
                }
                return value;
            }
            if (matches(key, data, row, first, second)) {
                return (V) values[slot];
            }
        }
        return compute.get();
    }

    private static int hash(byte[] data, CopyRow row, int column) {
        int length = row.length(column);
        if (length < 0) {
            return -1;
        }
        int hash = 1;
        for (int i = row.start(column), end = i + length; i < end; i++) {
            hash = 31 * hash + data[i];
        }
        return hash;
    }

    /** The first column's length (4 bytes), its bytes, then the second's the same way; -1 for a null column. */
    private static byte[] key(byte[] data, CopyRow row, int first, int second) {
        int firstLength = Math.max(0, row.length(first));
        int secondLength = second < 0 ? 0 : Math.max(0, row.length(second));
        byte[] key = new byte[8 + firstLength + secondLength];
        put(key, 0, row.length(first));
        System.arraycopy(data, row.start(first), key, 4, firstLength);
        put(key, 4 + firstLength, second < 0 ? -2 : row.length(second));
        if (secondLength > 0) {
            System.arraycopy(data, row.start(second), key, 8 + firstLength, secondLength);
        }
        return key;
    }

    private static boolean matches(byte[] key, byte[] data, CopyRow row, int first, int second) {
        int firstLength = row.length(first);
        if (intAt(key, 0) != firstLength) {
            return false;
        }
        int at = 4 + Math.max(0, firstLength);
        if (firstLength > 0 && !Arrays.equals(key, 4, at, data, row.start(first), row.start(first) + firstLength)) {
            return false;
        }
        int secondLength = second < 0 ? -2 : row.length(second);
        if (intAt(key, at) != secondLength) {
            return false;
        }
        return secondLength <= 0
                || Arrays.equals(key, at + 4, at + 4 + secondLength, data, row.start(second), row.start(second) + secondLength);
    }

    private static void put(byte[] key, int at, int value) {
        key[at] = (byte) (value >>> 24);
        key[at + 1] = (byte) (value >>> 16);
        key[at + 2] = (byte) (value >>> 8);
        key[at + 3] = (byte) value;
    }

    private static int intAt(byte[] key, int at) {
        return (key[at] & 0xff) << 24 | (key[at + 1] & 0xff) << 16 | (key[at + 2] & 0xff) << 8 | key[at + 3] & 0xff;
    }
}
