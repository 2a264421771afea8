package org.openvdi.broker.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.stereotype.Component;

/**
 * Checks that an image path lies inside a configured image directory, opens it there without following
 * any symbolic link below that directory ({@link ImageFiles}), and checks that the path without links still
 * names the file it opened (same device and inode). For a disk image it then tells its format from its header
 * (refusing anything that is not a self-contained disk image, {@link ImageFormat}) and computes the SHA-256 of
 * the file it opened: a caller's checksum is never trusted. The version records the path without links.
 * A template's kernel and initrd ({@link #bootFile}) are held to the same rule, at registration.
 */
@Component
class ImageInspector {

    private final List<Path> directories;

    ImageInspector(ImageProperties properties) {
        this.directories = properties.directories().stream().map(d -> Path.of(d).toAbsolutePath().normalize()).toList();
    }

    record Inspection(Path path, String sha256, String format, long sizeBytes) {
    }

    Inspection inspect(String imagePath) {
        ImageFiles.Opened opened = open(imagePath);
        try (InputStream in = Channels.newInputStream(opened.channel())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] head = new byte[ImageFormat.HEAD_BYTES];
            String format;
            long size;
            try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
                int headLength = digesting.readNBytes(head, 0, head.length);
                format = ImageFormat.detect(head, headLength);
                size = headLength + digesting.transferTo(OutputStream.nullOutputStream());
            }
            return new Inspection(opened.realPath(), HexFormat.of().formatHex(digest.digest()), format, size);
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.IMAGE_UNREADABLE, "The image cannot be read");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The link-free path of a file a template boots directly ({@code boot.kernel}, {@code boot.initrd}): it must
     * be a regular file inside an image directory, like a disk image. A refusal names the key.
     *
     * @throws BrokerException {@code IMAGE_PATH_NOT_ALLOWED} outside the image directories, with {@code ..} or
     *                         through a symbolic link; {@code IMAGE_UNREADABLE} when there is no readable file
     */
    Path bootFile(String key, String hostPath) {
        try {
            ImageFiles.Opened opened = open(hostPath);
            try {
                opened.channel().close();
            } catch (IOException e) {
                // opened for reading only, and only to check it
            }
            return opened.realPath();
        } catch (BrokerException e) {
            throw new BrokerException(e.code(), key + ": " + e.getMessage());
        }
    }

    private ImageFiles.Opened open(String imagePath) {
        Path absolute = allowedPath(imagePath);
        Path directory = directories.stream().filter(d -> absolute.startsWith(d) && !absolute.equals(d)).findFirst()
                .orElseThrow(ImageInspector::outside);
        ImageFiles.Opened opened = ImageFiles.open(directory, directory.relativize(absolute));
        requireSameFile(opened);
        return opened;
    }

    /** The recorded path must name the file that was opened: not one swapped in at that path since. */
    private static void requireSameFile(ImageFiles.Opened opened) {
        Object key;
        try {
            key = Files.readAttributes(opened.realPath(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !key.equals(opened.fileKey())) {
            try {
                opened.channel().close();
            } catch (IOException e) {
                // opened for reading only
            }
            throw new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED, "The image file was replaced while it was checked");
        }
    }

    private Path allowedPath(String imagePath) {
        if (imagePath == null || imagePath.isBlank() || imagePath.indexOf('\0') >= 0) {
            throw new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED, "An image path is required");
        }
        Path requested;
        try {
            requested = Path.of(imagePath);
        } catch (InvalidPathException e) {
            throw new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED, "The image path is not a valid path");
        }
        for (Path part : requested) {
            if (part.toString().equals("..")) {
                throw new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED, "The image path must not contain '..'");
            }
        }
        return requested.toAbsolutePath().normalize();
    }

    private static BrokerException outside() {
        return new BrokerException(ErrorCode.IMAGE_PATH_NOT_ALLOWED,
                "Images may only be published from the configured image directories");
    }
}
