package org.openvdi.templates.xml;

/**
 * Rejects text an XML 1.0 document cannot carry. The stream writer escapes markup characters
 * ({@code < & " >}) but passes control characters and lone surrogates through, which would make
 * the document malformed; line breaks inside attribute values would be normalized to spaces by
 * every parser, so the value would not come back as typed.
 */
final class XmlCharacters {

    private XmlCharacters() {
    }

    /** Returns {@code value} if it is non-blank, at most {@code maxLength} characters and one line of legal XML text. */
    static String requireSingleLine(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (!isLegalOnOneLine(c)) {
                throw new IllegalArgumentException(field + " contains a character XML cannot carry on one line: U+"
                        + String.format("%04X", (int) c));
            }
        }
        return value;
    }

    private static boolean isLegalOnOneLine(char c) {
        if (Character.isSurrogate(c)) {
            return false;
        }
        return c >= 0x20 && c != 0x7F && c != 0xFFFE && c != 0xFFFF;
    }
}
