package org.openvdi.gateway.tunnel;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reports the users' keyboard and mouse input to the broker, for its idle limits: every
 * {@link ActivitySettings#interval()} one daemon thread asks each open tunnel to publish an {@code ACTIVITY}
 * telemetry record if its user gave input since its last one. A tunnel without input publishes nothing, so the
 * records cost nothing while people are away, and at most one per tunnel and interval while they work.
 */
@Component
class ActivityReporter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ActivityReporter.class);

    private final TunnelRegistry tunnels;
    private final ActivitySettings settings;
    private volatile ScheduledExecutorService timer;

    ActivityReporter(TunnelRegistry tunnels, ActivitySettings settings) {
        this.tunnels = tunnels;
        this.settings = settings;
    }

    /** One round over the open tunnels. */
    void report() {
        for (TunnelSession tunnel : tunnels.snapshot()) {
            try {
                tunnel.reportActivity();
            } catch (RuntimeException e) {
                log.error("Reporting the input activity of a tunnel failed; trying again in {}", settings.interval(), e);
            }
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "activity-reporter");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.interval().toMillis();
        started.scheduleWithFixedDelay(this::report, every, every, TimeUnit.MILLISECONDS);
        timer = started;
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = timer;
        timer = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
