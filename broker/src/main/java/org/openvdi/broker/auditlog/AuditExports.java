package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Writes audit rows as they come, in CSV (RFC 4180, a header of the record's field names) or as one JSON array.
 * CSV text cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return)
 * get a leading apostrophe.
 */
final class AuditExports {

    private AuditExports() {
    }

    /** A sink that writes each row to {@code out}; close it to finish the document. */
    interface RowWriter<R> extends Consumer<R>, AutoCloseable {
        @Override
        void close();
    }

    static <R extends Record> RowWriter<R> csv(Class<R> type, OutputStream out) {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        RecordComponent[] components = type.getRecordComponents();
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            header.append(i == 0 ? "" : ",").append(components[i].getName());
        }
        write(writer, header.append("\r\n").toString());
        return new RowWriter<>() {
            @Override
            public void accept(R row) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < components.length; i++) {
                    line.append(i == 0 ? "" : ",").append(cell(value(components[i], row)));
                }
                write(writer, line.append("\r\n").toString());
            }

            @Override
            public void close() {
                try {
                    writer.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    static <R> RowWriter<R> json(ObjectMapper mapper, OutputStream out) {
        try {
            JsonGenerator generator = mapper.getFactory().createGenerator(out);
            generator.writeStartArray();
            return new RowWriter<>() {
                @Override
                public void accept(R row) {
                    try {
                        mapper.writeValue(generator, row);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void close() {
                    try {
                        generator.writeEndArray();
                        generator.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One CSV cell: empty for null, quoted when needed, formula-like text defused. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value instanceof JsonNode node ? node.toString() : value.toString();
        if (value instanceof CharSequence || value instanceof JsonNode) {
            if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
                text = "'" + text;
            }
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0
                || text.startsWith("'")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    private static Object value(RecordComponent component, Object row) {
        try {
            return component.getAccessor().invoke(row);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + component.getName(), e);
        }
    }

    private static void write(Writer writer, String text) {
        try {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
