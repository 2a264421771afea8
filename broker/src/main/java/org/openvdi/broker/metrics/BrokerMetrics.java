package org.openvdi.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges of desktops by state and sessions by state, refreshed from the read models.
 * Provisioning time per step is a timer recorded where the steps run.
 */
@Component
class BrokerMetrics {

    private final JdbcClient jdbc;
    private final Map<String, AtomicLong> desktops = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sessions = new ConcurrentHashMap<>();

    BrokerMetrics(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        for (DesktopState state : DesktopState.values()) {
            AtomicLong value = desktops.computeIfAbsent(state.name(), s -> new AtomicLong());
            Gauge.builder("openvdi.desktops", value, AtomicLong::get).tag("state", state.name())
                    .description("Desktops by lifecycle state").register(registry);
        }
        for (SessionState state : SessionState.values()) {
            AtomicLong value = sessions.computeIfAbsent(state.name(), s -> new AtomicLong());
            Gauge.builder("openvdi.sessions", value, AtomicLong::get).tag("state", state.name())
                    .description("Sessions by state").register(registry);
        }
    }

    @Scheduled(fixedDelayString = "${openvdi.metrics.interval:5000}")
    void refresh() {
        refresh("desktop_view", desktops);
        refresh("session_view", sessions);
    }

    private void refresh(String table, Map<String, AtomicLong> gauges) {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("SELECT state, count(*) AS n FROM " + table + " GROUP BY state")
                .query((rs, row) -> counts.put(rs.getString("state"), rs.getLong("n"))).list();
        gauges.forEach((state, value) -> value.set(counts.getOrDefault(state, 0L)));
    }
}
