package org.openvdi.broker.auditlog;

import java.util.Collection;
import java.util.stream.Collectors;

/** PostgreSQL array literals of keys, bound as one text parameter and cast ({@code CAST(? AS uuid[])}). */
final class SqlArrays {

    private SqlArrays() {
    }

    /** {@code {"a","b"}}: every element quoted, with its backslashes and double quotes escaped. */
    static String literal(Collection<?> values) {
        return values.stream().map(v -> "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
