package org.openvdi.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.api.SessionState;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges of desktops by state and sessions by state, refreshed from the desktop and session queries.
 * Provisioning time per step is a timer recorded where the steps run.
 */
@Component
class BrokerMetrics {

    private final DesktopQueries desktopQueries;
    private final SessionQueries sessionQueries;
    private final Map<DesktopState, AtomicLong> desktops = new EnumMap<>(DesktopState.class);
    private final Map<SessionState, AtomicLong> sessions = new EnumMap<>(SessionState.class);

    BrokerMetrics(DesktopQueries desktopQueries, SessionQueries sessionQueries, MeterRegistry registry) {
        this.desktopQueries = desktopQueries;
        this.sessionQueries = sessionQueries;
        for (DesktopState state : DesktopState.values()) {
            AtomicLong value = desktops.computeIfAbsent(state, s -> new AtomicLong());
            Gauge.builder("openvdi.desktops", value, AtomicLong::get).tag("state", state.name())
                    .description("Desktops by lifecycle state").register(registry);
        }
        for (SessionState state : SessionState.values()) {
            AtomicLong value = sessions.computeIfAbsent(state, s -> new AtomicLong());
            Gauge.builder("openvdi.sessions", value, AtomicLong::get).tag("state", state.name())
                    .description("Sessions by state").register(registry);
        }
    }

    @Scheduled(fixedDelayString = "${openvdi.metrics.interval:5000}")
    void refresh() {
        desktopQueries.countByState().forEach((state, n) -> desktops.get(state).set(n));
        sessionQueries.countByState().forEach((state, n) -> sessions.get(state).set(n));
    }
}
