package org.openvdi.broker.testsupport;

import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDomainDefinedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopStartedEvent;
import org.openvdi.broker.desktop.api.DesktopVolumeClonedEvent;
import org.openvdi.broker.host.api.HostAccelerationProbedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;

/** Event histories that put hosts, pools and desktops into the read models of a process test. */
public final class Histories {

    public static final String TEST_DRIVER = "test:///default";
    public static final String STORAGE_POOL = "openvdi-process-tests";
    public static final String DISPLAY_ADDRESS = "127.0.0.1";
    public static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    /** A test-driver URI whose connection always fails: its state file does not exist. */
    public static final String UNREACHABLE = "test:///nonexistent/openvdi-unreachable-host.xml";

    private Histories() {
    }

    /** A host on libvirt's test driver, set to auto and probed, taking up to {@code maxDesktops}. */
    public static Object[] testDriverHost(UUID hostId, int maxDesktops) {
        return new Object[] {
                new HostRegisteredEvent(hostId, "host-" + hostId, TEST_DRIVER, VirtType.AUTO, maxDesktops, STORAGE_POOL,
                        DISPLAY_ADDRESS, "admin"),
                new HostAccelerationProbedEvent(hostId, EffectiveVirtType.TEST, "libvirt's test driver runs no guests", 1)};
    }

    /** A host registered auto, its acceleration not probed yet, at {@code uri}. */
    public static Object[] unprobedHost(UUID hostId, String uri) {
        return new Object[] {new HostRegisteredEvent(hostId, "host-" + hostId, uri, VirtType.AUTO, 5, STORAGE_POOL,
                DISPLAY_ADDRESS, "admin")};
    }

    /** As {@link #testDriverHost}, but libvirt cannot be reached there. */
    public static Object[] unreachableHost(UUID hostId) {
        return new Object[] {unprobedHost(hostId, UNREACHABLE)[0],
                new HostAccelerationProbedEvent(hostId, EffectiveVirtType.TEST, "probed before it became unreachable", 1)};
    }

    /** {@link #TEMPLATE} with version 1 on {@code image}. */
    public static Object[] template(ImageSpec image) {
        return new Object[] {new TemplateRegisteredEvent(TEMPLATE, "tiny", 1, 256, "admin",
                TemplateDescriptor.shortForm("tiny", 1, 256)),
                new TemplateVersionPublishedEvent(TEMPLATE, 1, image.sourcePath(), image.sha256(), image.format(),
                        image.sizeBytes(), "admin")};
    }

    public static Object[] pool(UUID poolId, PoolType type, PowerPolicy power, int minSpare, int maxSize, String... users) {
        return new Object[] {new PoolCreatedEvent(poolId, "pool-" + poolId, TEMPLATE, 1, type, power, minSpare, maxSize,
                Set.of(users), Set.of(), "admin")};
    }

    public static Object[] floatingPool(UUID poolId, int minSpare, int maxSize) {
        return pool(poolId, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, minSpare, maxSize, "alice", "bob");
    }

    /** A desktop provisioned up to READY; {@code owner} null for a spare of nobody. */
    public static Object[] readyDesktop(UUID desktopId, UUID poolId, UUID hostId, String owner) {
        return new Object[] {
                new DesktopProvisioningRequestedEvent(desktopId, poolId, hostId, TEMPLATE, 1, owner),
                new DesktopVolumeClonedEvent(desktopId, 1),
                new DesktopDomainDefinedEvent(desktopId, 1),
                new DesktopStartedEvent(desktopId, 1),
                new DesktopBecameReadyEvent(desktopId, DISPLAY_ADDRESS, 0, 1)};
    }
}
