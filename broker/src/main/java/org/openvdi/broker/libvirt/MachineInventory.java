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
 * id in our namespace, and clone volumes named {@code vdi-<uuid>.qcow2}. Nothing else is reported,
 * so reconciliation never touches a VM or volume it did not create.
 */
final class MachineInventory {

    private static final Logger log = LoggerFactory.getLogger(MachineInventory.class);
    private static final int ALL_DOMAINS = 0;

    List<ManagedMachine> list(Connect connect, Optional<StoragePool> pool) throws LibvirtException {
        Map<String, ManagedMachine> found = new TreeMap<>();
        for (Domain domain : connect.listAllDomains(ALL_DOMAINS)) {
            addDomain(found, domain);
        }
        if (pool.isPresent()) {
            for (String volume : pool.get().listVolumes()) {
                LibvirtNames.desktopIdOfCloneVolume(volume).ifPresent(id -> found.merge(id,
                        new ManagedMachine(id, false, false, true),
                        (domain, clone) -> new ManagedMachine(id, domain.domainExists(), domain.running(), true)));
            }
        }
        return new ArrayList<>(found.values());
    }

    private static void addDomain(Map<String, ManagedMachine> found, Domain domain) throws LibvirtException {
        Optional<String> id = LibvirtNames.desktopIdOfDomain(domain.getName());
        if (id.isEmpty()) {
            return;
        }
        try {
            if (!id.equals(DomainXmlReader.metadataDesktopId(domain.getXMLDesc(0)))) {
                log.debug("domain {} is named like ours but lacks our metadata; ignoring it", domain.getName());
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
