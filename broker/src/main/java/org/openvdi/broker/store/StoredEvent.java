package org.openvdi.broker.store;

import java.time.Instant;
import java.time.LocalDate;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.SerializedMetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;

/**
 * One row of {@code domainevententry} as {@link StoredEventReader} read it, in the form Axon's upcasters and
 * serializer take (what its own {@code GenericDomainEventEntry} gives them, but for the timestamp's parsing: see
 * {@link #timestamp(String)}).
 */
record StoredEvent(long globalIndex, String eventIdentifier, String aggregateIdentifier, long sequenceNumber,
                   String aggregateType, String storedTimestamp, String payloadType, String payloadRevision,
                   byte[] payload, byte[] metaData) implements TrackedEventData<byte[]>, DomainEventData<byte[]> {

    @Override
    public TrackingToken trackingToken() {
        return new GlobalSequenceTrackingToken(globalIndex);
    }

    @Override
    public String getEventIdentifier() {
        return eventIdentifier;
    }

    @Override
    public Instant getTimestamp() {
        return timestamp(storedTimestamp);
    }

    @Override
    public SerializedObject<byte[]> getMetaData() {
        return new SerializedMetaData<>(metaData, byte[].class);
    }

    @Override
    public SerializedObject<byte[]> getPayload() {
        return new SimpleSerializedObject<>(payload, byte[].class, payloadType, payloadRevision);
    }

    @Override
    public String getType() {
        return aggregateType;
    }

    @Override
    public String getAggregateIdentifier() {
        return aggregateIdentifier;
    }

    @Override
    public long getSequenceNumber() {
        return sequenceNumber;
    }

    /**
     * The instant of a stored timestamp. Axon's JDBC engine writes every timestamp as {@code 2025-01-06T07:00:00.000Z}
     * (UTC, milliseconds), which is read here digit by digit; any other form goes to Axon's own parser
     * ({@link DateTimeUtils#parseInstant}), which reads the fixed form to the same instant, only slower (its
     * general ISO parser was a quarter of a replay's time).
     */
    static Instant timestamp(String text) {
        if (text.length() == 24 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == '.' && text.charAt(23) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int millis = digits(text, 20, 23);
            Instant instant = instant(year, month, day, hour, minute, second, millis);
            if (instant != null) {
                return instant;
            }
        }
        return DateTimeUtils.parseInstant(text);
    }

    /** {@link #timestamp(String)} of the UTF-8 text in {@code data[start, start + length)}, read in place in the fixed form. */
    static Instant timestamp(byte[] data, int start, int length) {
        if (length == 24 && data[start + 4] == '-' && data[start + 7] == '-' && data[start + 10] == 'T'
                && data[start + 13] == ':' && data[start + 16] == ':' && data[start + 19] == '.' && data[start + 23] == 'Z') {
            int year = digits(data, start, 4);
            int month = digits(data, start + 5, 2);
            int day = digits(data, start + 8, 2);
            int hour = digits(data, start + 11, 2);
            int minute = digits(data, start + 14, 2);
            int second = digits(data, start + 17, 2);
            int millis = digits(data, start + 20, 3);
            Instant instant = instant(year, month, day, hour, minute, second, millis);
            if (instant != null) {
                return instant;
            }
        }
        return timestamp(new String(data, start, Math.max(0, length), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The instant of these fields read from the fixed form (-1: not digits), or null when they name no instant. */
    private static Instant instant(int year, int month, int day, int hour, int minute, int second, int millis) {
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return null;
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, millis * 1_000_000L);
        } catch (java.time.DateTimeException e) {
            return null; // not a date (30 February, say): Axon's parser says why
        }
    }

    /** The decimal number of the {@code count} ASCII digits at {@code data[from]}, -1 when one is not a digit. */
    private static int digits(byte[] data, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            byte c = data[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The decimal number in {@code text[from, to)}, -1 when a character there is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
