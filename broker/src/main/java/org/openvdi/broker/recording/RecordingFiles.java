package org.openvdi.broker.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The recordings directory. A file's name is made from our ids only ({@link #nameOf}), and a name is resolved only
 * when it has exactly that shape, so no request can reach a file outside the directory.
 */
@Component
class RecordingFiles {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern NAME = Pattern.compile(UUID_PATTERN + "-" + UUID_PATTERN + "\\.guac");

    /** What the broker saw of a file. */
    record Seen(long size, long modifiedMillis) {
    }

    private final Path directory;

    RecordingFiles(RecordingSettings settings) {
        this.directory = settings.directory().toAbsolutePath().normalize();
    }

    /** The file guacd writes for a connection: {@code <session id>-<recording id>.guac}. */
    static String nameOf(UUID sessionId, UUID recordingId) {
        return sessionId + "-" + recordingId + ".guac";
    }

    /** The file of that name in the recordings directory; refuses any other shape of name. */
    Path resolve(String fileName) {
        if (fileName == null || !NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("Not a recording file name: " + fileName);
        }
        Path file = directory.resolve(fileName).normalize();
        if (!directory.equals(file.getParent())) {
            throw new IllegalArgumentException("Not in the recordings directory: " + fileName);
        }
        return file;
    }

    Optional<Seen> look(String fileName) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(resolve(fileName), BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new Seen(attributes.size(), attributes.lastModifiedTime().toMillis()))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 (lower-case hex) of the file, read in one pass. */
    String sha256(String fileName) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(resolve(fileName))) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Deletes the file if it is there; true when it is gone afterwards. */
    boolean delete(String fileName) throws IOException {
        Files.deleteIfExists(resolve(fileName));
        return true;
    }
}
