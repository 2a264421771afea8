package org.openvdi.broker.auditlog;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes new rows into a table with PostgreSQL's {@code COPY ... FROM STDIN (FORMAT binary)}: one statement and one
 * stream for thousands of rows, each value sent in the column type's binary form, which the server stores without
 * parsing text (a {@code timestamptz} in text was a good part of both sides' work). A value is encoded as the value
 * the driver would bind: {@code uuid} as its 16 bytes, {@code integer} as 4 bytes, {@code timestamptz} as
 * microseconds since 2000-01-01 UTC (rounded to the microsecond as the driver rounds), {@code jsonb} as its version
 * byte and its text, any other column as UTF-8 text. The columns' types are read from the catalog once per table.
 * COPY has no {@code ON CONFLICT}: only for rows the table cannot have yet.
 */
final class RowCopy {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0,
            0, 0, 0, 0};
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds. */
    private static final long PG_EPOCH = 946_684_800L;
    private static final int FLUSH = 1 << 16;

    /** How a column is sent. */
    private enum Kind { UUID, INT4, INT8, TIMESTAMPTZ, JSONB, TEXT }

    private static final Map<String, Kind[]> KINDS = new ConcurrentHashMap<>();

    private RowCopy() {
    }

    /** Copies {@code rows} into {@code columns} of {@code table}, each row's values in the columns' order. */
    static long copy(JdbcTemplate jdbc, String table, String columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        String sql = "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)";
        Long copied = jdbc.execute((ConnectionCallback<Long>) connection -> {
            Kind[] kinds = KINDS.computeIfAbsent(table + "(" + columns + ")", key -> kinds(connection, table, columns));
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            try {
                Buffer out = new Buffer(FLUSH + 1024);
                out.bytes(HEADER);
                for (Object[] row : rows) {
                    out.int2(row.length);
                    for (int i = 0; i < row.length; i++) {
                        value(out, kinds[i], row[i]);
                    }
                    if (out.size >= FLUSH) {
                        copy.writeToCopy(out.data, 0, out.size);
                        out.size = 0;
                    }
                }
                out.int2(-1);
                copy.writeToCopy(out.data, 0, out.size);
                return copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        });
        return copied == null ? 0 : copied;
    }

    private static Kind[] kinds(java.sql.Connection connection, String table, String columns) {
        String[] names = Arrays.stream(columns.split(",")).map(String::trim).toArray(String[]::new);
        Kind[] kinds = new Kind[names.length];
        try (var statement = connection.prepareStatement("SELECT attname, CAST(atttypid AS regtype) FROM pg_attribute"
                + " WHERE attrelid = CAST(CAST(? AS text) AS regclass) AND attnum > 0 AND NOT attisdropped")) {
            statement.setString(1, table);
            Map<String, String> types = new java.util.HashMap<>();
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    types.put(result.getString(1), result.getString(2));
                }
            }
            for (int i = 0; i < names.length; i++) {
                String type = types.get(names[i]);
                if (type == null) {
                    throw new IllegalStateException(table + " has no column " + names[i]);
                }
                kinds[i] = switch (type) {
                    case "uuid" -> Kind.UUID;
                    case "integer" -> Kind.INT4;
                    case "bigint" -> Kind.INT8;
                    case "timestamp with time zone" -> Kind.TIMESTAMPTZ;
                    case "jsonb" -> Kind.JSONB;
                    case "character varying", "text" -> Kind.TEXT;
                    default -> throw new IllegalStateException("No binary COPY for " + table + "." + names[i] + " " + type);
                };
            }
            return kinds;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the columns of " + table, e);
        }
    }

    private static void value(Buffer out, Kind kind, Object value) {
        if (value == null) {
            out.int4(-1);
            return;
        }
        switch (kind) {
            case UUID -> {
                UUID id = (UUID) value;
                out.int4(16);
                out.int8(id.getMostSignificantBits());
                out.int8(id.getLeastSignificantBits());
            }
            case INT4 -> {
                out.int4(4);
                out.int4(((Number) value).intValue());
            }
            case INT8 -> {
                out.int4(8);
                out.int8(((Number) value).longValue());
            }
            case TIMESTAMPTZ -> {
                out.int4(8);
                out.int8(micros((OffsetDateTime) value));
            }
            case JSONB -> {
                byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
                out.int4(text.length + 1);
                out.byte1(1);
                out.bytes(text);
            }
            case TEXT -> {
                byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
                out.int4(text.length);
                out.bytes(text);
            }
        }
    }

    /** Microseconds since PostgreSQL's epoch, the nanoseconds rounded half up as the driver rounds them. */
    static long micros(OffsetDateTime at) {
        long seconds = at.toEpochSecond() - PG_EPOCH;
        long micros = (at.getNano() + 500) / 1000;
        return seconds * 1_000_000L + micros;
    }

    /** A growable byte buffer with big-endian writes. */
    private static final class Buffer {
        byte[] data;
        int size;

        Buffer(int capacity) {
            data = new byte[capacity];
        }

        private void room(int bytes) {
            if (size + bytes > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + bytes));
            }
        }

        void byte1(int v) {
            room(1);
            data[size++] = (byte) v;
        }

        void int2(int v) {
            room(2);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        void int4(int v) {
            room(4);
            data[size++] = (byte) (v >>> 24);
            data[size++] = (byte) (v >>> 16);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        void int8(long v) {
            int4((int) (v >>> 32));
            int4((int) v);
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, data, size, b.length);
            size += b.length;
        }
    }
}
