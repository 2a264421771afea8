package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Rewrites the backing file name in the header of a qcow2 overlay held in a local file, as {@code qemu-img rebase -u}
 * does, without running it: a desktop's system disk moved to another host's storage pool must name that pool's copy of
 * its image. The name lives in the header cluster at {@code backing_file_offset} ({@code backing_file_size} bytes); a
 * longer name may only take bytes that are free (zero) up to the end of that cluster, so nothing else is overwritten.
 */
final class Qcow2BackingFile {

    private static final int MAGIC = 0x514649fb;

    private Qcow2BackingFile() {
    }

    /** The backing file name in the header; null when the file has none. */
    static String read(Path file) throws IOException {
        try (RandomAccessFile qcow2 = new RandomAccessFile(file.toFile(), "r")) {
            Header header = Header.read(qcow2);
            if (header.offset == 0) {
                return null;
            }
            byte[] name = new byte[header.size];
            qcow2.seek(header.offset);
            qcow2.readFully(name);
            return new String(name, StandardCharsets.UTF_8);
        }
    }

    /** Points the overlay at {@code backingPath}; throws when the file is no qcow2 overlay or the name does not fit. */
    static void rewrite(Path file, String backingPath) throws IOException {
        byte[] name = backingPath.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile qcow2 = new RandomAccessFile(file.toFile(), "rw")) {
            Header header = Header.read(qcow2);
            if (header.offset == 0) {
                throw new IOException("the volume has no backing file to rewrite");
            }
            long end = header.offset + Math.max(name.length, header.size);
            if (end > header.clusterSize || end > qcow2.length()) {
                throw new IOException("the new backing file name does not fit in the qcow2 header");
            }
            if (name.length > header.size) {
                byte[] tail = new byte[name.length - header.size];
                qcow2.seek(header.offset + header.size);
                qcow2.readFully(tail);
                for (byte b : tail) {
                    if (b != 0) {
                        throw new IOException("the qcow2 header has no free room for a longer backing file name");
                    }
                }
            }
            qcow2.seek(header.offset);
            qcow2.write(name);
            if (header.size > name.length) {
                qcow2.write(new byte[header.size - name.length]);
            }
            qcow2.seek(16);
            qcow2.writeInt(name.length);
        }
    }

    private record Header(long offset, int size, long clusterSize) {

        static Header read(RandomAccessFile qcow2) throws IOException {
            qcow2.seek(0);
            if (qcow2.length() < 72 || qcow2.readInt() != MAGIC) {
                throw new IOException("the volume is not a qcow2 image");
            }
            qcow2.readInt(); // version
            long offset = qcow2.readLong();
            int size = qcow2.readInt();
            int clusterBits = qcow2.readInt();
            if (clusterBits < 9 || clusterBits > 21 || size < 0 || size > 1023 || offset < 0) {
                throw new IOException("the qcow2 header is malformed");
            }
            return new Header(offset, size, 1L << clusterBits);
        }
    }
}
