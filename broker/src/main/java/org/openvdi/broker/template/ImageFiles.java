package org.openvdi.broker.template;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/**
 * Opens an image file below an image directory without following any symbolic link below that directory.
 *
 * <p>Checking a path and then opening it leaves a window in which a directory of the path can be swapped
 * for a link. So the file is not opened by its path: starting from the image directory's real path, each
 * directory is opened relative to the one before, and the file relative to the last, every time with
 * {@code O_NOFOLLOW} ({@link SecureDirectoryStream}, i.e. {@code openat}). A link anywhere below the
 * image directory, there before the check or put there after it, makes the open fail. The image
 * directory itself may be a link: it is the operator's setting.
 */
final class ImageFiles {

    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private ImageFiles() {
    }

    /**
     * An open image file, the path it was opened by (no symbolic link below the image directory) and its
     * identity ({@link BasicFileAttributes#fileKey()}: device and inode), read through the directory it was opened in.
     */
    record Opened(Path realPath, SeekableByteChannel channel, Object fileKey) {
    }

    /** Opens {@code relative} (plain names only, no {@code ..}) below {@code directory}. */
    static Opened open(Path directory, Path relative) {
        Path base;
        try {
            base = directory.toRealPath();
        } catch (IOException e) {
            throw unreadable();
        }
        Deque<DirectoryStream<Path>> opened = new ArrayDeque<>();
        try {
            DirectoryStream<Path> root = Files.newDirectoryStream(base);
            opened.push(root);
            if (!(root instanceof SecureDirectoryStream<Path> current)) {
                throw new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED,
                        "Images cannot be opened safely on this platform (no openat)");
            }
            int last = relative.getNameCount() - 1;
            for (int i = 0; i < last; i++) {
                Path name = relative.getName(i);
                requireNoLink(current, name);
                SecureDirectoryStream<Path> next = current.newDirectoryStream(name, NO_FOLLOW);
                opened.push(next);
                current = next;
            }
            Path name = relative.getName(last);
            BasicFileAttributes attributes = requireNoLink(current, name);
            if (!attributes.isRegularFile()) {
                throw unreadable();
            }
            SeekableByteChannel channel = current.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            return new Opened(base.resolve(relative), channel, attributes.fileKey());
        } catch (NoSuchFileException e) {
            throw unreadable();
        } catch (FileSystemException e) {
            // ELOOP: a link was put in place between the check and the open
            throw "Too many levels of symbolic links".equals(e.getReason()) || "Not a directory".equals(e.getReason())
                    ? notAllowed() : unreadable();
        } catch (IOException e) {
            throw unreadable();
        } finally {
            opened.forEach(ImageFiles::closeQuietly);
        }
    }

    private static BasicFileAttributes requireNoLink(SecureDirectoryStream<Path> directory, Path name) throws IOException {
        BasicFileAttributes attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, NO_FOLLOW)
                .readAttributes();
        if (attributes.isSymbolicLink()) {
            throw notAllowed();
        }
        return attributes;
    }

    private static void closeQuietly(DirectoryStream<Path> stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // only a directory handle: nothing was written through it
        }
    }

    private static BrokerException notAllowed() {
        return new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED,
                "The image path must not be or pass through a symbolic link inside the image directory");
    }

    private static BrokerException unreadable() {
        return new BrokerException(ErrorCode.IMAGE_UNREADABLE, "No readable image file at that path");
    }
}
