package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.HypervisorFailure;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.templates.xml.ImageFormat;
import org.openvdi.templates.xml.ImageVolumeDefinition;
import org.openvdi.templates.xml.VolumeXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places a template image in a host's pool and proves, on the host, that the volume holds exactly
 * the published bytes. A volume verified once is remembered per host and path, so clones do not
 * re-hash gigabytes each time.
 *
 * <p>libvirt's test driver implements neither volume upload nor download ("this function is not
 * supported by the connection driver"), so there the volume is only created from XML, and the
 * checksum the broker computes over the source file is trusted.
 */
final class ImageInstaller {

    private static final Logger log = LoggerFactory.getLogger(ImageInstaller.class);

    private final VolumeXmlRenderer renderer;
    private final VolumeStreams streams;
    private final Map<String, String> verified = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    ImageInstaller(VolumeXmlRenderer renderer, VolumeStreams streams) {
        this.renderer = renderer;
        this.streams = streams;
    }

    /** The verified image volume, uploaded first if it is not in the pool yet. */
    StorageVol ensure(Connect connect, HostTarget host, StoragePool pool, ImageSpec image) throws LibvirtException {
        ImageVolumeDefinition definition = new ImageVolumeDefinition(image.sha256(), ImageFormat.fromXmlName(image.format()), image.sizeBytes());
        String name = definition.volumeName();
        synchronized (locks.computeIfAbsent(host.hostId() + '/' + name, key -> new Object())) {
            Optional<StorageVol> existing = HostStoragePool.findVolume(pool, name);
            if (VirtTypePolicy.isTestDriver(host.uri())) {
                return existing.isPresent() ? existing.get() : createTrustingSource(host, pool, definition, image);
            }
            if (existing.isPresent()) {
                verifyExisting(connect, host, existing.get(), definition);
                return existing.get();
            }
            return upload(connect, host, pool, definition, image);
        }
    }

    private StorageVol createTrustingSource(HostTarget host, StoragePool pool, ImageVolumeDefinition definition,
                                            ImageSpec image) throws LibvirtException {
        // the test driver cannot receive the bytes (no upload) nor hash them (no download):
        // create the volume from XML and trust the checksum of the source file instead
        requireSourceMatches(image, definition.sha256());
        log.info("creating image volume {} on test host {} without upload", definition.volumeName(), host.hostId());
        return pool.storageVolCreateXML(renderer.renderImage(definition), 0);
    }

    private StorageVol upload(Connect connect, HostTarget host, StoragePool pool, ImageVolumeDefinition definition,
                              ImageSpec image) throws LibvirtException {
        Path source = sourceOf(image);
        log.info("uploading image {} ({} bytes) to host {} as {}", source, image.sizeBytes(), host.hostId(), definition.volumeName());
        StorageVol volume = pool.storageVolCreateXML(renderer.renderUploadTarget(definition), 0);
        try {
            String sent = streams.upload(connect, volume, source, image.sizeBytes());
            if (!sent.equals(definition.sha256())) {
                throw new HypervisorException("image " + source + " does not match its published checksum", false);
            }
            String stored = streams.sha256(connect, volume);
            if (!stored.equals(definition.sha256())) {
                throw new HypervisorException("image volume " + definition.volumeName() + " on host " + host.hostId()
                        + " does not hold the uploaded bytes (sha256 " + stored + ")", false);
            }
        } catch (IOException e) {
            deleteAfterFailure(volume, e);
            throw new HypervisorException("reading image " + source + " failed", false, e);
        } catch (LibvirtException | RuntimeException e) {
            deleteAfterFailure(volume, e);
            throw e;
        }
        verified.put(cacheKey(host, volume), definition.sha256());
        log.info("image volume {} on host {} verified", definition.volumeName(), host.hostId());
        return volume;
    }

    private void verifyExisting(Connect connect, HostTarget host, StorageVol volume, ImageVolumeDefinition definition)
            throws LibvirtException {
        String key = cacheKey(host, volume);
        if (definition.sha256().equals(verified.get(key))) {
            return;
        }
        log.info("verifying existing image volume {} on host {}", definition.volumeName(), host.hostId());
        String stored = streams.sha256(connect, volume);
        if (!stored.equals(definition.sha256())) {
            verified.remove(key);
            volume.delete(0);
            // the next attempt uploads a fresh copy, so trying again is worthwhile
            // the reason is kept short (reasons are cut at 200 characters): what happened first, the digests last
            throw new HypervisorException("image volume " + definition.volumeName() + " on host " + host.hostId()
                    + " did not match its checksum and was deleted (sha256 " + stored + ")", true);
        }
        verified.put(key, stored);
    }

    private static void requireSourceMatches(ImageSpec image, String sha256) {
        try {
            if (!VolumeStreams.sha256(sourceOf(image)).equals(sha256)) {
                throw new HypervisorException("image " + image.sourcePath() + " does not match its published checksum", false);
            }
        } catch (IOException e) {
            throw new HypervisorException("reading image " + image.sourcePath() + " failed", false, e);
        }
    }

    /**
     * The published image file, refused if its path now passes through a symbolic link: the broker published
     * it by a path without links ({@code ImageInspector}), and a link put there since could lead anywhere.
     * The file is then read with {@code O_NOFOLLOW}, and its checksum proves that the bytes are the ones published.
     */
    private static Path sourceOf(ImageSpec image) {
        Path source = Path.of(image.sourcePath());
        try {
            if (!source.isAbsolute() || !source.toRealPath().equals(source)) {
                throw new HypervisorException(HypervisorFailure.IMAGE_INVALID, "image " + source
                        + " is now reached through a symbolic link", false);
            }
            long size = Files.size(source);
            if (size != image.sizeBytes()) {
                throw new HypervisorException("image " + source + " has " + size + " bytes, published with " + image.sizeBytes(), false);
            }
        } catch (IOException e) {
            throw new HypervisorException("image " + source + " cannot be read", false, e);
        }
        return source;
    }

    private static void deleteAfterFailure(StorageVol volume, Exception cause) {
        try {
            volume.delete(0);
        } catch (LibvirtException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Deletes the image volume from the host's pool unless it is gone already; answers whether it was there.
     * The caller makes sure that no clone is backed by it any more.
     */
    boolean delete(HostTarget host, StoragePool pool, ImageSpec image) throws LibvirtException {
        ImageVolumeDefinition definition = new ImageVolumeDefinition(image.sha256(), ImageFormat.fromXmlName(image.format()), image.sizeBytes());
        synchronized (locks.computeIfAbsent(host.hostId() + '/' + definition.volumeName(), key -> new Object())) {
            Optional<StorageVol> existing = HostStoragePool.findVolume(pool, definition.volumeName());
            if (existing.isEmpty()) {
                return false;
            }
            verified.remove(cacheKey(host, existing.get()));
            existing.get().delete(0);
            log.info("deleted image volume {} on host {}", definition.volumeName(), host.hostId());
            return true;
        }
    }

    private static String cacheKey(HostTarget host, StorageVol volume) throws LibvirtException {
        return host.hostId() + '|' + host.uri() + '|' + volume.getPath();
    }
}
