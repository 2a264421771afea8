package org.openvdi.broker.libvirt;

import java.nio.file.Path;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.templates.xml.LibvirtNames;
import org.openvdi.templates.xml.StoragePoolDefinition;
import org.openvdi.templates.xml.StoragePoolXmlRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, and if need be creates, the {@code dir} storage pool that holds a host's images and
 * clones. libvirt's test driver always uses its built-in {@value #TEST_DRIVER_POOL}.
 */
final class HostStoragePool {

    static final String TEST_DRIVER_POOL = "default-pool";
    private static final Logger log = LoggerFactory.getLogger(HostStoragePool.class);
    private static final int ACTIVE = 1;

    private final StoragePoolXmlRenderer renderer;
    private final Path poolRoot;

    HostStoragePool(StoragePoolXmlRenderer renderer, Path poolRoot) {
        this.renderer = renderer;
        this.poolRoot = poolRoot;
    }

    /** The pool name used on that host. */
    static String poolName(HostTarget host) {
        return VirtTypePolicy.isTestDriver(host.uri()) ? TEST_DRIVER_POOL : LibvirtNames.requirePoolName(host.storagePool());
    }

    /** The host's pool, if it is defined. */
    Optional<StoragePool> find(Connect connect, HostTarget host) throws LibvirtException {
        try {
            return Optional.of(connect.storagePoolLookupByName(poolName(host)));
        } catch (LibvirtException e) {
            if (LibvirtErrors.isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The host's pool, defined (at {@code <poolRoot>/<name>}), built and started if it was missing or inactive. */
    synchronized StoragePool ensure(Connect connect, HostTarget host) throws LibvirtException {
        StoragePool pool = find(connect, host).orElse(null);
        if (pool == null) {
            pool = define(connect, host);
        }
        if (pool.isActive() != ACTIVE) {
            log.info("starting storage pool {} on host {}", poolName(host), host.hostId());
            try {
                pool.create(0);
            } catch (LibvirtException e) {
                // another worker or broker started it in the meantime
                if (pool.isActive() != ACTIVE) {
                    throw e;
                }
            }
        }
        return pool;
    }

    /** The named volume of the pool, if it exists. */
    static Optional<StorageVol> findVolume(StoragePool pool, String name) throws LibvirtException {
        try {
            return Optional.of(pool.storageVolLookupByName(name));
        } catch (LibvirtException e) {
            if (LibvirtErrors.isMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private StoragePool define(Connect connect, HostTarget host) throws LibvirtException {
        String name = poolName(host);
        String target = poolRoot.resolve(name).normalize().toString();
        log.info("defining storage pool {} at {} on host {}", name, target, host.hostId());
        StoragePool pool;
        try {
            pool = connect.storagePoolDefineXML(renderer.render(new StoragePoolDefinition(name, target)), 0);
        } catch (LibvirtException e) {
            // another broker instance may have defined it a moment ago
            Optional<StoragePool> raced = find(connect, host);
            if (raced.isEmpty()) {
                throw e;
            }
            log.info("storage pool {} appeared while defining it on host {}", name, host.hostId());
            return raced.get();
        }
        pool.build(0);
        pool.setAutostart(1);
        return pool;
    }
}
