package org.openvdi.broker.libvirt;

import java.util.Optional;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.templates.xml.CloneVolumeDefinition;
import org.openvdi.templates.xml.ImageFormat;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.VolumeXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desktops' linked clones: qcow2 volumes {@code vdi-<desktopId>.qcow2} backed by an image volume,
 * created by libvirt's storage driver (never by running qemu-img ourselves).
 */
final class CloneVolumes {

    private static final Logger log = LoggerFactory.getLogger(CloneVolumes.class);

    private final VolumeXmlRenderer renderer;

    CloneVolumes(VolumeXmlRenderer renderer) {
        this.renderer = renderer;
    }

    Optional<StorageVol> find(StoragePool pool, String desktopId) throws LibvirtException {
        return HostStoragePool.findVolume(pool, LibvirtNames.cloneVolumeName(desktopId));
    }

    /**
     * Creates the clone, with a virtual size of at least {@code minCapacityBytes} (a template's
     * {@code hardware.diskGiB}): a qcow2 overlay may be larger than its backing image, and the guest sees the
     * larger disk. Without a larger size, the QEMU storage driver takes the backing image's virtual size
     * (capacity left out of the XML); the test driver insists on a capacity, so it gets the image volume's.
     */
    StorageVol create(StoragePool pool, String desktopId, StorageVol image, ImageFormat imageFormat, boolean testDriver,
                      long minCapacityBytes) throws LibvirtException {
        long imageCapacity = image.getInfo().capacity;
        long capacity = minCapacityBytes > imageCapacity ? minCapacityBytes : testDriver ? imageCapacity : 0;
        CloneVolumeDefinition clone = new CloneVolumeDefinition(desktopId, image.getPath(), imageFormat, capacity);
        log.info("creating clone volume {} backed by {} ({})", clone.volumeName(), clone.backingPath(),
                capacity == 0 ? "the image's virtual size" : capacity + " bytes virtual");
        return pool.storageVolCreateXML(renderer.renderClone(clone), 0);
    }

    /** Deletes the clone; a clone that is already gone counts as deleted. */
    void delete(StoragePool pool, String desktopId) throws LibvirtException {
        Optional<StorageVol> clone = find(pool, desktopId);
        if (clone.isEmpty()) {
            return;
        }
        try {
            clone.get().delete(0);
            log.info("deleted clone volume of desktop {}", desktopId);
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
        }
    }
}
