package org.openvdi.templates.xml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names OpenVDI gives libvirt objects, derived only from our own ids, so that nothing a user
 * types ever becomes part of a name or path. Everything we create is recognisable by name alone.
 */
public final class LibvirtNames {

    /** Namespace of our element in a domain's {@code <metadata>}. */
    public static final String METADATA_NAMESPACE = "http://openvdi.org/xmlns/desktop/1";
    /** Prefix bound to {@link #METADATA_NAMESPACE}. */
    public static final String METADATA_PREFIX = "openvdi";
    /** Local name of our metadata element in a desktop's domain. */
    public static final String METADATA_ELEMENT = "desktop";
    /** Local name of our metadata element in an acceleration probe's domain. */
    public static final String PROBE_METADATA_ELEMENT = "probe";

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern OUR_ID = Pattern.compile(UUID);
    private static final Pattern DOMAIN_NAME = Pattern.compile("vdi-(" + UUID + ")");
    private static final Pattern CLONE_VOLUME_NAME = Pattern.compile("vdi-(" + UUID + ")\\.qcow2");
    private static final Pattern USER_DISK_VOLUME_NAME = Pattern.compile("vdi-(" + UUID + ")-user\\.qcow2");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private LibvirtNames() {
    }

    /** Returns the desktop id in canonical lower-case form; throws if it is not a UUID. */
    public static String requireDesktopId(String desktopId) {
        return requireUuid("desktop id", desktopId);
    }

    /** Returns the broker's host id in canonical lower-case form; throws if it is not a UUID. */
    static String requireHostId(String hostId) {
        return requireUuid("host id", hostId);
    }

    private static String requireUuid(String field, String value) {
        String canonical = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!OUR_ID.matcher(canonical).matches()) {
            throw new IllegalArgumentException(field + " must be a UUID");
        }
        return canonical;
    }

    /** Returns the checksum in lower case; throws if it is not 64 hex digits. */
    public static String requireSha256(String sha256) {
        String canonical = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(canonical).matches()) {
            throw new IllegalArgumentException("image checksum must be a SHA-256 in hex");
        }
        return canonical;
    }

    /** Returns the pool name; throws unless it is 1-64 letters, digits, '_', '.', '-' starting with a letter or digit. */
    public static String requirePoolName(String poolName) {
        if (poolName == null || !POOL_NAME.matcher(poolName).matches()) {
            throw new IllegalArgumentException("storage pool name must match " + POOL_NAME.pattern());
        }
        return poolName;
    }

    /** {@code vdi-<desktopId>}. */
    public static String domainName(String desktopId) {
        return "vdi-" + requireDesktopId(desktopId);
    }

    /**
     * {@code vdi-probe-<hostId>}: the short-lived domain that finds out which virtualization type
     * runs guests on a host. Never mistaken for a desktop: it does not match {@code vdi-<uuid>}.
     */
    public static String probeDomainName(String hostId) {
        return "vdi-probe-" + requireHostId(hostId);
    }

    /** {@code vdi-<desktopId>.qcow2}. */
    public static String cloneVolumeName(String desktopId) {
        return domainName(desktopId) + ".qcow2";
    }

    /**
     * {@code vdi-<desktopId>-user.qcow2}: the user's data disk of a persistent desktop. It never matches
     * {@code vdi-<uuid>.qcow2}, so it is never mistaken for a clone.
     */
    public static String userDiskVolumeName(String desktopId) {
        return domainName(desktopId) + "-user.qcow2";
    }

    /**
     * The MAC address of a desktop's NIC: QEMU's locally administered unicast prefix {@code 52:54:00} and the
     * first three bytes of the SHA-256 of the desktop id. The same desktop always gets the same address, so a
     * retried definition defines the same domain.
     */
    public static String macAddress(String desktopId) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256")
                    .digest(requireDesktopId(desktopId).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return String.format("52:54:00:%02x:%02x:%02x", hash[0] & 0xff, hash[1] & 0xff, hash[2] & 0xff);
    }

    /** {@code img-<first 16 hex digits of the sha256>.<raw|qcow2>}. */
    public static String imageVolumeName(String sha256, ImageFormat format) {
        return "img-" + requireSha256(sha256).substring(0, 16) + "." + format.xmlName();
    }

    /** The desktop id if {@code domainName} is exactly {@code vdi-<uuid>}. */
    public static Optional<String> desktopIdOfDomain(String domainName) {
        return captured(DOMAIN_NAME, domainName);
    }

    /** The desktop id if {@code volumeName} is exactly {@code vdi-<uuid>.qcow2}. */
    public static Optional<String> desktopIdOfCloneVolume(String volumeName) {
        return captured(CLONE_VOLUME_NAME, volumeName);
    }

    /** The desktop id if {@code volumeName} is exactly {@code vdi-<uuid>-user.qcow2}. */
    public static Optional<String> desktopIdOfUserDiskVolume(String volumeName) {
        return captured(USER_DISK_VOLUME_NAME, volumeName);
    }

    private static Optional<String> captured(Pattern pattern, String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher matcher = pattern.matcher(name);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
