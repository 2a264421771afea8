package org.openvdi.broker.hypervisor;

/**
 * Makes a failure reason fit for an event, an info log line or an API answer: control, format (bidi
 * overrides and isolates, zero-width characters) and line-separator characters become spaces, runs of
 * white space collapse, and the text is cut to {@value #MAX_LENGTH} characters.
 */
public final class ReasonText {

    /** The longest reason kept. */
    public static final int MAX_LENGTH = 200;

    private ReasonText() {
    }

    /** The cleaned, bounded text; {@code "unknown"} for null or blank input. */
    public static String clean(String text) {
        if (text == null) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 1));
        boolean space = false;
        for (int i = 0; i < text.length() && out.length() <= MAX_LENGTH; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || unprintable(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(c);
        }
        if (out.isEmpty()) {
            return "unknown";
        }
        if (out.length() > MAX_LENGTH) {
            out.setLength(MAX_LENGTH - 1);
            out.append('…');
        }
        return out.toString();
    }

    private static boolean unprintable(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
    }
}
