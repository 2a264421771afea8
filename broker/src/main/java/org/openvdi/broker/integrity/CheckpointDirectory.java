package org.openvdi.broker.integrity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The append-only directory of signed checkpoints, outside PostgreSQL: one file per checkpoint, named by the
 * chain's size ({@code 00000000000000001234.checkpoint}), never rewritten. A checkpoint is written to a hidden
 * temporary file, forced to disk, then hard-linked to its name, which fails rather than replace a file that
 * exists: a reader never sees half a checkpoint, and nothing the broker does overwrites one. Point it at storage
 * the database's administrators cannot write (another host, a WORM bucket synced from it) for the strongest
 * guarantee.
 */
final class CheckpointDirectory {

    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.checkpoint");

    /** A stored checkpoint's file and the size its name gives. */
    record Entry(long size, Path file) {
    }

    private final Path directory;

    CheckpointDirectory(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    Path path() {
        return directory;
    }

    /** Writes the note of a checkpoint of {@code size} events; false when one of that size exists already. */
    boolean write(long size, String note) {
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve(String.format("%020d.checkpoint", size));
            if (Files.exists(target)) {
                return false;
            }
            Path temporary = Files.createTempFile(directory, ".writing-", ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8)));
                    channel.force(true);
                }
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(temporary);
            }
            forceDirectory();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a checkpoint into " + directory, e);
        }
    }

    /** The checkpoints, smallest first. Memory: one entry per checkpoint file, never per event. */
    List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    entries.add(new Entry(Long.parseLong(name.group(1)), file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + directory, e);
        }
        entries.sort(Comparator.comparingLong(Entry::size));
        return entries;
    }

    /** The text of one checkpoint file (at most 64 KiB are read: a checkpoint is a few hundred bytes). */
    static String read(Path file) {
        try {
            if (Files.size(file) > 65_536) {
                return "";
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            // unreadable or not UTF-8: not a checkpoint this broker wrote
            return "";
        }
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is on disk
        }
    }
}
