package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.libvirt.event.CrashedDetail;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.StoppedDetail;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;

class LifecycleWatchTest {

    @Test
    void givenLibvirtLifecycleEvents_whenMapped_thenOnlyRunningAndExistenceChangesCount() {
        assertThat(LifecycleWatch.map(event(DomainEventType.STARTED, 0))).contains(MachineEvent.STARTED);
        assertThat(LifecycleWatch.map(event(DomainEventType.STOPPED, StoppedDetail.SHUTDOWN.ordinal()))).contains(MachineEvent.STOPPED);
        assertThat(LifecycleWatch.map(event(DomainEventType.STOPPED, StoppedDetail.DESTROYED.ordinal()))).contains(MachineEvent.STOPPED);
        assertThat(LifecycleWatch.map(event(DomainEventType.STOPPED, StoppedDetail.CRASHED.ordinal()))).contains(MachineEvent.CRASHED);
        assertThat(LifecycleWatch.map(event(DomainEventType.CRASHED, CrashedDetail.PANICKED.ordinal()))).contains(MachineEvent.CRASHED);
        assertThat(LifecycleWatch.map(event(DomainEventType.UNDEFINED, 0))).contains(MachineEvent.UNDEFINED);
        assertThat(LifecycleWatch.map(event(DomainEventType.DEFINED, 0))).isEmpty();
        assertThat(LifecycleWatch.map(event(DomainEventType.SUSPENDED, 0))).isEmpty();
    }

    private static DomainEvent event(DomainEventType type, int detail) {
        return new DomainEvent(type, detail);
    }
}
