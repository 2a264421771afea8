package org.openvdi.broker.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 * any symbolic link below that directory ({@link ImageFiles}), tells its format from its header (refusing
 * anything that is not a self-contained disk image, {@link ImageFormat}), then computes the SHA-256 of the
 * file it opened: a caller's checksum is never trusted. The version records the path without links.
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
        Path absolute = allowedPath(imagePath);
        Path directory = directories.stream().filter(d -> absolute.startsWith(d) && !absolute.equals(d)).findFirst()
                .orElseThrow(ImageInspector::outside);
        ImageFiles.Opened opened = ImageFiles.open(directory, directory.relativize(absolute));
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
