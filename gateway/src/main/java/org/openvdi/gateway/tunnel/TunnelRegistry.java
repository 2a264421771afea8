package org.openvdi.gateway.tunnel;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The tunnels this gateway carries right now, each on its own thread; exposed as the gauge
 * {@code openvdi.gateway.tunnels}. When the gateway stops it takes no new tunnel, ends the open ones as
 * {@link TunnelFailure#GATEWAY_STOPPING} (the page reconnects) and waits, for at most {@link #STOP_TIMEOUT},
 * until each has handed its CLOSED record to the telemetry.
 */
@Component
public class TunnelRegistry implements SmartLifecycle {

    /**
     * When the application context closes (SIGTERM), lifecycle beans stop from the highest phase down, and only
     * then are beans destroyed. With Spring Boot 3.5 and Tomcat's graceful shutdown (the default) the order is:
     * the graceful shutdown ({@link WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE}) stops accepting
     * connections and waits for running requests, which an upgraded WebSocket is not; the web server's stop, 1024
     * phases lower, removes Tomcat's connectors and so drops every open WebSocket without a close frame; the Kafka
     * producer factory stops last (phase {@code Integer.MIN_VALUE}) and closes its producer, right after the
     * telemetry flushed it. Tunnels stop between the first two: no new tunnel can arrive, and the open ones can
     * still tell their browsers why they end.
     */
    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1;
    /** How long stopping may wait for the open tunnels to end; they normally take milliseconds. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(TunnelRegistry.class);

    private final ExecutorService tunnelThreads;
    private final Set<TunnelSession> open = ConcurrentHashMap.newKeySet();
    /** Guards {@link #accepting} and every change to {@link #open}, and is signalled when a tunnel ends. */
    private final Object monitor = new Object();
    private volatile boolean accepting = true;

    public TunnelRegistry(MeterRegistry meters,
                          @Qualifier(TunnelThreadsConfiguration.TUNNEL_THREADS) ExecutorService tunnelThreads) {
        this.tunnelThreads = tunnelThreads;
        Gauge.builder("openvdi.gateway.tunnels", open, Set::size)
                .description("Tunnels open on this gateway")
                .register(meters);
    }

    public int openTunnels() {
        return open.size();
    }

    /** The tunnels open right now. */
    List<TunnelSession> snapshot() {
        return List.copyOf(open);
    }

    /** Runs the tunnel on its own thread or, once the gateway is stopping, ends it at once. */
    void run(TunnelSession tunnel) {
        synchronized (monitor) {
            if (accepting) {
                open.add(tunnel);
                tunnelThreads.execute(tunnel);
                return;
            }
        }
        log.info("Refused a tunnel: the gateway is stopping");
        tunnel.stop();
    }

    /** Called by a tunnel's thread when it is done, its CLOSED record published. */
    void remove(TunnelSession tunnel) {
        synchronized (monitor) {
            open.remove(tunnel);
            monitor.notifyAll();
        }
    }

    @Override
    public void start() {
        accepting = true;
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Ends every open tunnel, each on a thread of its own so that a browser that stopped reading (whose close
     * frame may wait for the send timeout) holds up no other, and waits until every browser has been told and
     * every tunnel is done, or the time is up.
     */
    @Override
    public void stop() {
        List<TunnelSession> stopping;
        synchronized (monitor) {
            accepting = false;
            stopping = List.copyOf(open);
        }
        if (stopping.isEmpty()) {
            return;
        }
        log.info("Stopping {} open tunnels", stopping.size());
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        CountDownLatch browsersTold = new CountDownLatch(stopping.size());
        stopping.forEach(tunnel -> tunnelThreads.execute(() -> {
            try {
                tunnel.stop();
            } finally {
                browsersTold.countDown();
            }
        }));
        try {
            if (!browsersTold.await(STOP_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS) || !awaitNoneOpen(deadline)) {
                log.warn("{} tunnels did not end within {}; their CLOSED records may be lost", open.size(),
                        STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while waiting for {} tunnels to end", open.size());
        }
    }

    private boolean awaitNoneOpen(long deadline) throws InterruptedException {
        synchronized (monitor) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }
}
