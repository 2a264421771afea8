package org.openvdi.broker.auditlog;

import java.io.IOException;
import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes new rows into a table with PostgreSQL's {@code COPY ... FROM STDIN} in its text format: one statement and one
 * stream for thousands of rows, parsed by the server's bulk loader instead of as bound parameters. A value is written
 * as the text PostgreSQL reads back as the same value the driver binds ({@code null} as {@code \N}; an
 * {@link OffsetDateTime} in ISO form with its offset; JSON as its text, which the {@code jsonb} column parses).
 * COPY has no {@code ON CONFLICT}: only for rows the table cannot have yet.
 */
final class RowCopy {

    private RowCopy() {
    }

    /** Copies {@code rows} into {@code columns} of {@code table}, each row's values in the columns' order. */
    static long copy(JdbcTemplate jdbc, String table, String columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        StringBuilder text = new StringBuilder(rows.size() * 128);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                append(text, row[i]);
            }
            text.append('\n');
        }
        String sql = "COPY " + table + " (" + columns + ") FROM STDIN";
        Long copied = jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new StringReader(text.toString()));
            } catch (IOException e) {
                throw new DataAccessResourceFailureException("COPY into " + table + " failed", e);
            }
        });
        return copied == null ? 0 : copied;
    }

    private static void append(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
        } else if (value instanceof OffsetDateTime at) {
            text.append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at));
        } else {
            escape(text, value.toString());
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped; everything else as it is. */
    static void escape(StringBuilder text, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }
}
