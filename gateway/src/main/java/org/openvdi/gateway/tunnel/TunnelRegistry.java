package org.openvdi.gateway.tunnel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The tunnels this gateway carries right now; exposed as the gauge {@code openvdi.gateway.tunnels}. */
@Component
public class TunnelRegistry {

    private static final Logger log = LoggerFactory.getLogger(TunnelRegistry.class);

    private final Set<TunnelSession> open = ConcurrentHashMap.newKeySet();

    public TunnelRegistry(MeterRegistry meters) {
        Gauge.builder("openvdi.gateway.tunnels", open, Set::size)
                .description("Tunnels open on this gateway")
                .register(meters);
    }

    public int openTunnels() {
        return open.size();
    }

    void add(TunnelSession tunnel) {
        open.add(tunnel);
    }

    void remove(TunnelSession tunnel) {
        open.remove(tunnel);
    }

    /** Closes what is still open when the gateway stops, so that no guacd connection outlives it. */
    @PreDestroy
    void stopAll() {
        if (!open.isEmpty()) {
            log.info("Stopping {} open tunnels", open.size());
        }
        open.forEach(TunnelSession::stop);
    }
}
