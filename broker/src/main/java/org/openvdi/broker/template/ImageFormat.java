package org.openvdi.broker.template;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/**
 * Tells a disk image's format from its first bytes, and refuses anything that is not a disk image a desktop
 * can boot from, or that could make the hypervisor read another file of the host.
 *
 * <ul>
 *   <li>qcow2: magic {@code QFI\xfb}, version 2 or 3, a complete header, no backing file (the header's
 *       backing file offset is 0) and no external data file (incompatible feature bit 2 of version 3).
 *       Either would let an image name any file on the host.</li>
 *   <li>raw: a disk with a partition table, i.e. an MBR boot signature ({@code 0x55 0xAA} at byte 510),
 *       which a GPT disk also has in its protective MBR, or a GPT header ({@code EFI PART} at byte 512).</li>
 * </ul>
 * Anything else (a text file, a few bytes, a raw file without a boot signature) is {@code IMAGE_INVALID}.
 */
final class ImageFormat {

    /** How many leading bytes {@link #detect} needs to decide. */
    static final int HEAD_BYTES = 520;

    static final String RAW = "raw";
    static final String QCOW2 = "qcow2";

    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    private static final int QCOW2_V2_HEADER = 72;
    private static final int QCOW2_V3_HEADER = 104;
    private static final long QCOW2_EXTERNAL_DATA_FILE = 1L << 2;

    private ImageFormat() {
    }

    /** The format of an image whose first {@code length} bytes (at most {@link #HEAD_BYTES}) are in {@code head}. */
    static String detect(byte[] head, int length) {
        if (length >= 4 && Arrays.equals(head, 0, 4, QCOW2_MAGIC, 0, 4)) {
            checkQcow2(ByteBuffer.wrap(head, 0, length), length);
            return QCOW2;
        }
        boolean mbr = length >= 512 && head[510] == 0x55 && head[511] == (byte) 0xaa;
        boolean gpt = length >= 520 && Arrays.equals(head, 512, 520, GPT_SIGNATURE, 0, 8);
        if (mbr || gpt) {
            return RAW;
        }
        throw invalid("The file is not a disk image: neither a qcow2 header nor a raw disk with an MBR or GPT "
                + "boot signature");
    }

    private static void checkQcow2(ByteBuffer header, int length) {
        if (length < 8) {
            throw truncated();
        }
        int version = header.getInt(4);
        if (version != 2 && version != 3) {
            throw invalid("Unsupported qcow2 version " + version + " (2 and 3 are supported)");
        }
        int headerLength = version == 2 ? QCOW2_V2_HEADER : QCOW2_V3_HEADER;
        if (length < headerLength) {
            throw truncated();
        }
        if (version == 3 && header.getInt(100) < QCOW2_V3_HEADER) {
            throw invalid("The qcow2 header declares a header length below " + QCOW2_V3_HEADER + " bytes");
        }
        if (header.getLong(8) != 0 || header.getInt(16) != 0) {
            throw invalid("The qcow2 image names a backing file; images must be self-contained "
                    + "(flatten it with qemu-img convert)");
        }
        if (version == 3 && (header.getLong(72) & QCOW2_EXTERNAL_DATA_FILE) != 0) {
            throw invalid("The qcow2 image keeps its data in an external file; images must be self-contained");
        }
    }

    /** Whether a declared format names the detected one. */
    static void requireDeclared(String declared, String detected) {
        if (declared != null && !declared.equals(detected)) {
            throw invalid("The image was declared " + declared + " but is " + detected);
        }
    }

    private static BrokerException truncated() {
        return invalid("The qcow2 header is truncated");
    }

    private static BrokerException invalid(String reason) {
        return new BrokerException(ErrorCode.IMAGE_INVALID, reason);
    }
}
