package org.openvdi.broker.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small session recording in Guacamole's protocol, as guacd writes one: a screen size, then frames that each
 * fill the screen with another colour and end with a {@code sync} whose timestamp moves on by {@code frameMillis}.
 * Test data for the API and the player (guacd's own recordings of a real display are checked in the gateway's
 * tests and in {@code RecordedConnectionIT}); it is not a stand-in for guacd.
 */
final class SyntheticRecording {

    static final int WIDTH = 320;
    static final int HEIGHT = 200;

    private SyntheticRecording() {
    }

    static byte[] of(int frames, long frameMillis) {
        StringBuilder text = new StringBuilder();
        instruction(text, "size", "0", Integer.toString(WIDTH), Integer.toString(HEIGHT));
        long timestamp = 1_700_000_000_000L;
        for (int frame = 0; frame < frames; frame++) {
            instruction(text, "rect", "0", "0", "0", Integer.toString(WIDTH), Integer.toString(HEIGHT));
            int shade = frame * 255 / Math.max(1, frames - 1);
            instruction(text, "cfill", "14", "0", Integer.toString(shade), "64", Integer.toString(255 - shade), "255");
            instruction(text, "sync", Long.toString(timestamp));
            timestamp += frameMillis;
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Path write(Path file, int frames, long frameMillis) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, of(frames, frameMillis));
    }

    private static void instruction(StringBuilder text, String opcode, String... args) {
        List<String> elements = new java.util.ArrayList<>();
        elements.add(opcode);
        elements.addAll(List.of(args));
        for (int i = 0; i < elements.size(); i++) {
            String element = elements.get(i);
            text.append(element.codePointCount(0, element.length())).append('.').append(element)
                    .append(i == elements.size() - 1 ? ';' : ',');
        }
    }
}
