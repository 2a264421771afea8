package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.VolumeCopy;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.VolumeXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a desktop's system disk (its qcow2 overlay) and user disk from one storage pool to another through libvirt's
 * storage streams (virStorageVolDownload, virStorageVolUpload), so it works between hosts as between two pools of one
 * host. Each volume passes through a local temporary file: the overlay's header is pointed at the target pool's copy of
 * the image there, the SHA-256 of the bytes sent is taken, and the volume the target stores is read back and hashed.
 * Keyed by the desktop id: a target volume that already holds the same bytes is kept (a retry after a crash), one that
 * differs is replaced. Never touches the source.
 */
final class VolumeMover {

    private static final Logger log = LoggerFactory.getLogger(VolumeMover.class);

    private final VolumeXmlRenderer renderer;
    private final VolumeStreams streams;

    VolumeMover(VolumeXmlRenderer renderer, VolumeStreams streams) {
        this.renderer = renderer;
        this.streams = streams;
    }

    List<VolumeCopy> copy(Connect source, StoragePool sourcePool, Connect target, StoragePool targetPool, String desktopId,
                          StorageVol targetImage) throws LibvirtException, IOException {
        List<VolumeCopy> copies = new ArrayList<>();
        String clone = LibvirtNames.cloneVolumeName(desktopId);
        StorageVol systemDisk = HostStoragePool.findVolume(sourcePool, clone).orElseThrow(() -> new HypervisorException(
                "desktop " + desktopId + " has no system disk on its host to move", false));
        String imagePath = targetImage.getPath();
        copies.add(copyOne(source, systemDisk, target, targetPool, clone, file -> Qcow2BackingFile.rewrite(file, imagePath)));
        String user = LibvirtNames.userDiskVolumeName(desktopId);
        Optional<StorageVol> userDisk = HostStoragePool.findVolume(sourcePool, user);
        if (userDisk.isPresent()) {
            copies.add(copyOne(source, userDisk.get(), target, targetPool, user, file -> { }));
        }
        return copies;
    }

    @FunctionalInterface
    private interface Rewrite {
        void apply(Path file) throws IOException;
    }

    private VolumeCopy copyOne(Connect source, StorageVol from, Connect target, StoragePool targetPool, String name,
                               Rewrite rewrite) throws LibvirtException, IOException {
        Path file = Files.createTempFile("openvdi-move-", ".vol");
        try {
            streams.download(source, from, file);
            rewrite.apply(file);
            String sent = VolumeStreams.sha256(file);
            long length = Files.size(file);
            Optional<StorageVol> existing = HostStoragePool.findVolume(targetPool, name);
            if (existing.isPresent()) {
                String there = streams.sha256(target, existing.get());
                if (there.equals(sent)) {
                    log.info("volume {} is on the target already with SHA-256 {}", name, sent);
                    return new VolumeCopy(name, length, sent, there);
                }
                log.info("replacing volume {} on the target: it holds other bytes (a copy that was cut short)", name);
                existing.get().delete(0);
            }
            StorageVol copy = targetPool.storageVolCreateXML(renderer.renderUploadTarget(name), 0);
            streams.upload(target, copy, file, length);
            String stored = streams.sha256(target, copy);
            log.info("copied volume {} ({} bytes): sent SHA-256 {}, stored {}", name, length, sent, stored);
            return new VolumeCopy(name, length, sent, stored);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
