package org.openvdi.broker.auditlog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.web.Names;

/**
 * The query parameters of one audit request, checked: a parameter the answer does not know, a repeated one, or a
 * value that does not parse is refused with 400 VALIDATION_FAILED, never ignored. The refusal names the parameter,
 * never echoes its value.
 */
final class AuditParameters {

    static final Set<String> PAGING = Set.of("limit", "cursor", "format");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PRINCIPAL = Pattern.compile(Names.PRINCIPAL);
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    /** How the answer goes out. */
    enum Format { PAGE, JSON, CSV }

    private final Map<String, String> values;

    private AuditParameters(Map<String, String> values) {
        this.values = values;
    }

    static AuditParameters of(Map<String, String[]> request, Set<String> filters) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> entry : request.entrySet()) {
            String name = entry.getKey();
            if (!filters.contains(name) && !PAGING.contains(name)) {
                throw invalid("Unknown parameter; this answer takes " + String.join(", ", sorted(filters)) + ", limit, cursor and format");
            }
            if (entry.getValue().length != 1) {
                throw invalid("Parameter " + name + " is given more than once");
            }
            values.put(name, entry.getValue()[0]);
        }
        return new AuditParameters(values);
    }

    /** The filters as given, for the record of the read (each value cut to 200 characters). */
    Map<String, String> given() {
        Map<String, String> given = new LinkedHashMap<>();
        values.forEach((name, value) -> given.put(name, value.length() > 200 ? value.substring(0, 200) : value));
        return given;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String principal(String name) {
        String value = values.get(name);
        if (value != null && !PRINCIPAL.matcher(value).matches()) {
            throw invalid("Parameter " + name + " must be a user name (letters, digits, . _ @ -, at most 64)");
        }
        return value;
    }

    UUID uuid(String name) {
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!UUID_TEXT.matcher(value).matches()) {
            throw invalid("Parameter " + name + " must be a UUID");
        }
        return UUID.fromString(value);
    }

    Instant instant(String name) {
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        try {
            if (value.length() > 40) {
                throw new DateTimeParseException("too long", "", 0);
            }
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid("Parameter " + name + " must be an ISO-8601 instant such as 2025-01-31T08:00:00Z");
        }
    }

    <E extends Enum<E>> E enumeration(String name, Class<E> type) {
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw invalid("Parameter " + name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** Checks that {@code from} is not after {@code to} when both are given. */
    void range(Instant from, Instant to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw invalid("from must not be after to");
        }
    }

    int limit(AuditLogSettings settings) {
        String value = values.get("limit");
        if (value == null) {
            return settings.pageLimit();
        }
        if (!value.matches("[0-9]{1,7}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > settings.maxPageSize()) {
            throw invalid("limit must be a whole number from 1 to " + settings.maxPageSize()
                    + "; export (format=csv or format=json) for every row");
        }
        return Integer.parseInt(value);
    }

    Format format(String accept) {
        String value = values.get("format");
        Format format;
        if (value == null) {
            format = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv") ? Format.CSV : Format.PAGE;
        } else {
            format = switch (value.toLowerCase(Locale.ROOT)) {
                case "csv" -> Format.CSV;
                case "json" -> Format.JSON;
                case "page" -> Format.PAGE;
                default -> throw invalid("format must be page, json or csv");
            };
        }
        if (format != Format.PAGE && (has("limit") || has("cursor"))) {
            throw invalid("An export streams every matching row: leave out limit and cursor");
        }
        return format;
    }

    /** The position after which the page starts, or null for the first page. */
    Cursor cursor() {
        String value = values.get("cursor");
        if (value == null) {
            return null;
        }
        try {
            if (!CURSOR.matcher(value).matches()) {
                throw new IllegalArgumentException();
            }
            String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
        } catch (RuntimeException e) {
            throw invalid("cursor is not one this broker handed out");
        }
    }

    /** A position in an answer's order: a time and the row's id. */
    record Cursor(Instant at, String id) {

        String encoded() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
        }
    }

    static BrokerException invalid(String detail) {
        return new BrokerException(ErrorCode.VALIDATION_FAILED, detail);
    }

    private static java.util.List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
