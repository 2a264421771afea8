package org.openvdi.broker.libvirt;

import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.templates.descriptor.KernelBoot;
import org.openvdi.templates.descriptor.Network;
import org.openvdi.templates.xml.DirectBoot;
import org.openvdi.templates.xml.DomainDefinition;
import org.openvdi.templates.xml.DomainType;
import org.openvdi.templates.xml.DomainXmlRenderer;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.NetworkInterface;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Defines, starts, stops and removes desktops' domains; each step is skipped when already done. */
final class DomainLifecycle {

    /** QEMU on a loaded host sometimes exits before libvirt reaches its monitor; starting again helps. */
    private static final int START_ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(DomainLifecycle.class);
    private static final int ACTIVE = 1;
    /** VIR_DOMAIN_UNDEFINE_NVRAM; libvirt-java 0.5.4 has no constant for it. */
    private static final int UNDEFINE_NVRAM = 4;

    private final DomainXmlRenderer renderer;

    DomainLifecycle(DomainXmlRenderer renderer) {
        this.renderer = renderer;
    }

    Optional<Domain> find(Connect connect, String desktopId) throws LibvirtException {
        return findNamed(connect, LibvirtNames.domainName(desktopId));
    }

    /** The domain of that name, if it is defined or running. */
    static Optional<Domain> findNamed(Connect connect, String domainName) throws LibvirtException {
        try {
            return Optional.of(connect.domainLookupByName(domainName));
        } catch (LibvirtException e) {
            if (LibvirtErrors.isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Defines the desktop's domain unless it is defined; {@code userDiskPath} null: no user disk. */
    void define(Connect connect, HostTarget host, MachineSpec machine, DomainType type, String diskPath,
                String userDiskPath) throws LibvirtException {
        DomainDefinition definition = new DomainDefinition(machine.desktopId(), host.hostId(), machine.displayName(), type,
                machine.vcpus(), machine.memoryMiB(), diskPath, machine.image().sha256(), host.displayAddress(),
                machine.vncPassword(), machine.display().video(), machine.display().resolution(), nic(machine),
                machine.guestAgent(), userDiskPath, directBoot(machine.kernel()));
        if (find(connect, machine.desktopId()).isPresent()) {
            log.debug("domain {} is already defined", definition.domainName());
            return;
        }
        connect.domainDefineXML(renderer.render(definition));
        log.info("defined domain {} ({}) on host {}", definition.domainName(), type.xmlName(), host.hostId());
    }

    /** The virtio NIC on the template's network or bridge; none when the machine names no network. */
    private static NetworkInterface nic(MachineSpec machine) {
        Network network = machine.network();
        if (network == null) {
            return null;
        }
        return new NetworkInterface(network.bridged() ? NetworkInterface.Source.BRIDGE : NetworkInterface.Source.NETWORK,
                network.sourceName(), machine.macAddress());
    }

    private static DirectBoot directBoot(KernelBoot kernel) {
        return kernel == null ? null : new DirectBoot(kernel.path(), kernel.initrd(), kernel.cmdline());
    }

    void start(Connect connect, String desktopId) throws LibvirtException {
        Domain domain = find(connect, desktopId).orElseThrow(() -> new HypervisorException(
                "domain " + LibvirtNames.domainName(desktopId) + " is not defined", false));
        if (domain.isActive() == ACTIVE) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                domain.create();
                log.info("started domain {}", LibvirtNames.domainName(desktopId));
                return;
            } catch (LibvirtException e) {
                if (isOperationInvalid(e) && domain.isActive() == ACTIVE) {
                    return;
                }
                if (attempt >= START_ATTEMPTS || !LibvirtErrors.isEmulatorStartupFailure(e)) {
                    throw e;
                }
                log.warn("domain {} did not come up (attempt {}): {}; starting it again",
                        LibvirtNames.domainName(desktopId), attempt, LibvirtErrors.summary(e));
                log.debug("libvirt said: {}", e.getMessage());
            }
        }
    }

    /** Pulls the virtual power plug; a domain that is not running or not defined is left alone. */
    void powerOff(Connect connect, String desktopId) throws LibvirtException {
        Optional<Domain> domain = find(connect, desktopId);
        if (domain.isPresent()) {
            stop(domain.get(), LibvirtNames.domainName(desktopId));
        }
    }

    /**
     * Saves a running domain's memory and stops it (managed save); a domain that is off is left as it is. Returns
     * whether it has a saved state afterwards.
     */
    boolean suspend(Connect connect, String desktopId) throws LibvirtException {
        Domain domain = find(connect, desktopId).orElseThrow(() -> new HypervisorException(
                "domain " + LibvirtNames.domainName(desktopId) + " is not defined", false));
        if (domain.isActive() == ACTIVE) {
            try {
                domain.managedSave();
                log.info("suspended domain {} (managed save)", LibvirtNames.domainName(desktopId));
            } catch (LibvirtException e) {
                // it may have stopped between the check and the call
                if (!isOperationInvalid(e) || domain.isActive() == ACTIVE) {
                    throw e;
                }
            }
        }
        return domain.hasManagedSaveImage() == 1;
    }

    /** Stops the domain if it runs and undefines it, with any managed save, snapshot metadata and NVRAM. */
    void remove(Connect connect, String desktopId, boolean testDriver) throws LibvirtException {
        Optional<Domain> found = find(connect, desktopId);
        if (found.isEmpty()) {
            return;
        }
        Domain domain = found.get();
        stop(domain, LibvirtNames.domainName(desktopId));
        // the test driver rejects the NVRAM flag; our domains have no NVRAM, but a redefined one might
        int flags = Domain.UndefineFlags.MANAGED_SAVE | Domain.UndefineFlags.SNAPSHOTS_METADATA | (testDriver ? 0 : UNDEFINE_NVRAM);
        try {
            domain.undefine(flags);
            log.info("undefined domain {}", LibvirtNames.domainName(desktopId));
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
        }
    }

    /** Pulls the plug of a running domain (a transient one is gone with it); one that stopped or vanished is left alone. */
    static void stop(Domain domain, String domainName) throws LibvirtException {
        try {
            if (domain.isActive() == ACTIVE) {
                domain.destroy();
                log.info("powered off domain {}", domainName);
            }
        } catch (LibvirtException e) {
            // it may have stopped or vanished between the check and the call
            if (!LibvirtErrors.isMissing(e) && !isOperationInvalid(e)) {
                throw e;
            }
        }
    }

    private static boolean isOperationInvalid(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == ErrorNumber.VIR_ERR_OPERATION_INVALID;
    }
}
