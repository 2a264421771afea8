package org.openvdi.broker.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.templates.xml.LibvirtNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists our desktops on a host: domains named {@code vdi-<uuid>} whose metadata carries that same
 * id in our namespace and the id of the registered host asking, and clone volumes named
 * {@code vdi-<uuid>.qcow2} and user disks named {@code vdi-<uuid>-user.qcow2} in its storage pool that no other
 * registered host's domain uses.
 * Nothing else is reported, so reconciliation never touches a VM or volume it did not create,
 * even when several brokers or several registrations share one libvirt.
 */
final class MachineInventory {

    private static final Logger log = LoggerFactory.getLogger(MachineInventory.class);
    private static final int ALL_DOMAINS = 0;

    private final DomainMetadataCache metadata = new DomainMetadataCache();

    List<ManagedMachine> list(Connect connect, String hostId, Optional<StoragePool> pool) throws LibvirtException {
        Map<String, ManagedMachine> found = new TreeMap<>();
        java.util.Set<String> others = new java.util.HashSet<>();
        DomainMetadataCache.Pass pass = metadata.pass(hostId);
        for (Domain domain : connect.listAllDomains(ALL_DOMAINS)) {
            addDomain(found, others, hostId, domain, pass);
        }
        pass.end();
        if (pool.isPresent()) {
            for (String volume : pool.get().listVolumes()) {
                LibvirtNames.desktopIdOfCloneVolume(volume).filter(id -> !others.contains(id)).ifPresent(id -> found.merge(id,
                        new ManagedMachine(id, false, false, true),
                        (known, clone) -> new ManagedMachine(id, known.domainExists(), known.running(), true, known.userDiskExists())));
                LibvirtNames.desktopIdOfUserDiskVolume(volume).filter(id -> !others.contains(id)).ifPresent(id -> found.merge(id,
                        new ManagedMachine(id, false, false, false, true),
                        (known, disk) -> new ManagedMachine(id, known.domainExists(), known.running(), known.volumeExists(), true)));
            }
        }
        return new ArrayList<>(found.values());
    }

    /** How many domain descriptions the inventory parsed so far (an unchanged one is not parsed again). */
    long parses() {
        return metadata.parses();
    }

    private static void addDomain(Map<String, ManagedMachine> found, java.util.Set<String> others, String hostId,
                                  Domain domain, DomainMetadataCache.Pass pass) throws LibvirtException {
        Optional<String> id = LibvirtNames.desktopIdOfDomain(domain.getName());
        if (id.isEmpty()) {
            return;
        }
        try {
            DomainMetadataCache.DomainMetadata ours = pass.metadata(id.get(), domain.getXMLDesc(0));
            if (!id.equals(ours.desktopId())) {
                log.debug("domain {} is named like ours but lacks our metadata; ignoring it", domain.getName());
                return;
            }
            if (!ours.hostId().map(hostId::equals).orElse(false)) {
                others.add(id.get());
                log.debug("domain {} belongs to another registered host; ignoring it", domain.getName());
                return;
            }
            found.put(id.get(), new ManagedMachine(id.get(), true, domain.isActive() == 1, false));
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
            log.debug("domain {} vanished while listing", id.get());
        }
    }
}
