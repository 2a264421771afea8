package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves volume contents through libvirt streams, hashing the bytes on the way. Streams go through
 * libvirtd, so this works for remote hosts too, and the download hashes what the host really stores.
 */
final class VolumeStreams {

    private static final Logger log = LoggerFactory.getLogger(VolumeStreams.class);
    private static final int CHUNK = 256 * 1024;

    /** Uploads {@code source} into {@code volume} from offset 0 and returns the SHA-256 of the bytes sent. */
    String upload(Connect connect, StorageVol volume, Path source, long length) throws LibvirtException, IOException {
        MessageDigest digest = sha256();
        Stream stream = connect.streamNew(0);
        try {
            volume.upload(stream, 0, length, 0);
            long sent = 0;
            try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buffer = new byte[CHUNK];
                for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                    digest.update(buffer, 0, read);
                    sendFully(stream, buffer, read);
                    sent += read;
                }
            }
            if (sent != length) {
                throw new IOException(source + " changed size during upload: expected " + length + " bytes, read " + sent);
            }
            stream.finish();
        } catch (LibvirtException | IOException | RuntimeException e) {
            abort(stream, e);
            throw e;
        } finally {
            release(stream);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Downloads the whole volume and returns the SHA-256 of its bytes. */
    String sha256(Connect connect, StorageVol volume) throws LibvirtException {
        MessageDigest digest = sha256();
        Stream stream = connect.streamNew(0);
        try {
            volume.download(stream, 0, 0, 0);
            byte[] buffer = new byte[CHUNK];
            for (int received = stream.receive(buffer); received > 0; received = stream.receive(buffer)) {
                digest.update(buffer, 0, received);
            }
            stream.finish();
        } catch (LibvirtException | RuntimeException e) {
            abort(stream, e);
            throw e;
        } finally {
            release(stream);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Downloads the whole volume into a local file and returns the SHA-256 of its bytes. */
    String download(Connect connect, StorageVol volume, Path target) throws LibvirtException, IOException {
        MessageDigest digest = sha256();
        Stream stream = connect.streamNew(0);
        try (java.io.OutputStream out = Files.newOutputStream(target, LinkOption.NOFOLLOW_LINKS)) {
            volume.download(stream, 0, 0, 0);
            byte[] buffer = new byte[CHUNK];
            for (int received = stream.receive(buffer); received > 0; received = stream.receive(buffer)) {
                digest.update(buffer, 0, received);
                out.write(buffer, 0, received);
            }
            stream.finish();
        } catch (LibvirtException | IOException | RuntimeException e) {
            abort(stream, e);
            throw e;
        } finally {
            release(stream);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of a local file. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[CHUNK];
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void sendFully(Stream stream, byte[] buffer, int length) throws LibvirtException {
        int offset = 0;
        while (offset < length) {
            byte[] chunk = offset == 0 && length == buffer.length ? buffer : Arrays.copyOfRange(buffer, offset, length);
            offset += stream.send(chunk);
        }
    }

    private static void abort(Stream stream, Exception cause) {
        try {
            stream.abort();
        } catch (LibvirtException e) {
            cause.addSuppressed(e);
        }
    }

    private static void release(Stream stream) {
        try {
            stream.free();
        } catch (LibvirtException e) {
            log.warn("freeing a libvirt stream failed", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
