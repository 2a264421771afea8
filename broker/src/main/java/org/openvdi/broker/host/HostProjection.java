package org.openvdi.broker.host;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.host.api.HostAccelerationProbeRequestedEvent;
import org.openvdi.broker.host.api.HostAccelerationProbedEvent;
import org.openvdi.broker.host.api.HostCameBackEvent;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDeletedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.host.api.HostUncordonedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code host_view} in step with the host events. */
@Component
@ProcessingGroup("projections")
class HostProjection {

    private final JdbcClient jdbc;

    HostProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(HostRegisteredEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                INSERT INTO host_view (id, name, uri, virt_type, max_desktops, storage_pool, display_address, state,
                                       effective_virt_type, acceleration_probe_due, registered_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(e.hostId(), e.name(), e.uri(), e.virtType().name(), e.maxDesktops(), e.storagePool(),
                        e.displayAddress(), HostState.UP.name(), e.virtType() == VirtType.AUTO ? null : e.virtType().name(),
                        e.virtType() == VirtType.AUTO, utc(at), utc(at))
                .update();
    }

    @EventHandler
    void on(HostLabelsChangedEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE host_view SET labels = ?, updated_at = ? WHERE id = ?")
                .params(e.labels().stream().sorted().toArray(String[]::new), utc(at), e.hostId()).update();
    }

    @EventHandler
    void on(HostAccelerationProbeRequestedEvent e, @Timestamp Instant at) {
        update("acceleration_probe_due = TRUE", e.hostId(), at);
    }

    @EventHandler
    void on(HostAccelerationProbedEvent e, @Timestamp Instant at) {
        jdbc.sql("""
                UPDATE host_view SET effective_virt_type = ?, acceleration_reason = ?, acceleration_probe_due = FALSE,
                                     updated_at = ?
                WHERE id = ?""")
                .params(e.effectiveType().name(), e.reason(), utc(at), e.hostId()).update();
    }

    @EventHandler
    void on(HostCordonedEvent e, @Timestamp Instant at) {
        update("cordoned = TRUE", e.hostId(), at);
    }

    @EventHandler
    void on(HostDrainStartedEvent e, @Timestamp Instant at) {
        update("cordoned = TRUE, draining = TRUE", e.hostId(), at);
    }

    @EventHandler
    void on(HostUncordonedEvent e, @Timestamp Instant at) {
        update("cordoned = FALSE, draining = FALSE", e.hostId(), at);
    }

    @EventHandler
    void on(HostWentDownEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE host_view SET state = ?, state_reason = ?, updated_at = ? WHERE id = ?")
                .params(HostState.DOWN.name(), e.reason(), utc(at), e.hostId()).update();
    }

    @EventHandler
    void on(HostCameBackEvent e, @Timestamp Instant at) {
        jdbc.sql("UPDATE host_view SET state = ?, state_reason = NULL, updated_at = ? WHERE id = ?")
                .params(HostState.UP.name(), utc(at), e.hostId()).update();
    }

    @EventHandler
    void on(HostDeletedEvent e) {
        jdbc.sql("DELETE FROM host_view WHERE id = ?").param(e.hostId()).update();
    }

    private void update(String assignment, java.util.UUID hostId, Instant at) {
        jdbc.sql("UPDATE host_view SET " + assignment + ", updated_at = ? WHERE id = ?")
                .params(utc(at), hostId).update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "host_view");
    }
}
