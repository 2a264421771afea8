package org.openvdi.gateway.tunnel;

/**
 * Tells whether a browser message carries the user's keyboard or mouse input: a Guacamole {@code key} or
 * {@code mouse} instruction (a message holds one or more instructions, each {@code <length>.<opcode>,...;}).
 * Only instruction starts are looked at, so text inside an argument never counts.
 */
final class UserInput {

    private static final String[] OPCODES = {"5.mouse,", "3.key,", "5.touch,"};

    private UserInput() {
    }

    static boolean in(String message) {
        if (message == null || message.isEmpty()) {
            return false;
        }
        int start = 0;
        while (start < message.length()) {
            for (String opcode : OPCODES) {
                if (message.startsWith(opcode, start)) {
                    return true;
                }
            }
            int end = instructionEnd(message, start);
            if (end < 0) {
                return false;
            }
            start = end + 1;
        }
        return false;
    }

    /**
     * Where the instruction that starts at {@code start} ends (its {@code ;}), reading each element's length, which
     * Guacamole counts in Unicode code points; -1 when the message is malformed.
     */
    private static int instructionEnd(String message, int start) {
        int at = start;
        while (at < message.length()) {
            int dot = message.indexOf('.', at);
            if (dot < 0 || dot == at || dot - at > 9) {
                return -1;
            }
            int length;
            try {
                length = Integer.parseInt(message, at, dot, 10);
            } catch (NumberFormatException e) {
                return -1;
            }
            int after;
            try {
                after = message.offsetByCodePoints(dot + 1, length);
            } catch (IndexOutOfBoundsException e) {
                return -1;
            }
            if (after >= message.length()) {
                return -1;
            }
            char separator = message.charAt(after);
            if (separator == ';') {
                return after;
            }
            if (separator != ',') {
                return -1;
            }
            at = after + 1;
        }
        return -1;
    }
}
