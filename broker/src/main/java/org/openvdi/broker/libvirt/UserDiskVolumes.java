package org.openvdi.broker.libvirt;

import java.util.Optional;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.VolumeXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent desktops' user disks: empty qcow2 volumes {@code vdi-<desktopId>-user.qcow2} created by libvirt's
 * storage driver, never backed by an image, so they outlive the system disk and any image version.
 */
final class UserDiskVolumes {

    private static final Logger log = LoggerFactory.getLogger(UserDiskVolumes.class);
    private static final long GIB = 1L << 30;

    private final VolumeXmlRenderer renderer;

    UserDiskVolumes(VolumeXmlRenderer renderer) {
        this.renderer = renderer;
    }

    Optional<StorageVol> find(StoragePool pool, String desktopId) throws LibvirtException {
        return HostStoragePool.findVolume(pool, LibvirtNames.userDiskVolumeName(desktopId));
    }

    /** Creates the user disk unless it exists; true when this call created it. */
    boolean ensure(StoragePool pool, String desktopId, int sizeGiB) throws LibvirtException {
        if (sizeGiB <= 0) {
            throw new IllegalArgumentException("a user disk needs a positive size");
        }
        if (find(pool, desktopId).isPresent()) {
            return false;
        }
        try {
            pool.storageVolCreateXML(renderer.renderUserDisk(desktopId, sizeGiB * GIB), 0);
        } catch (LibvirtException e) {
            // another worker or broker created it a moment ago
            if (find(pool, desktopId).isPresent()) {
                return false;
            }
            throw e;
        }
        log.info("created user disk {} ({} GiB)", LibvirtNames.userDiskVolumeName(desktopId), sizeGiB);
        return true;
    }

    /** Deletes the user disk; one that is already gone counts as deleted. */
    void delete(StoragePool pool, String desktopId) throws LibvirtException {
        Optional<StorageVol> disk = find(pool, desktopId);
        if (disk.isEmpty()) {
            return;
        }
        try {
            disk.get().delete(0);
            log.info("deleted user disk of desktop {}", desktopId);
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
        }
    }
}
