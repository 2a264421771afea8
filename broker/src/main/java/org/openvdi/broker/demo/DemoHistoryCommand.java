package org.openvdi.broker.demo;

import java.time.Instant;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * {@code ./vdi demo-history}: the broker's jar in the profile {@code demo-history}, beside the running demo broker
 * and on its PostgreSQL, with its web server on a free loopback port (serving nothing anyone calls), no Kafka and no
 * periodic processes (the script sets them off). Its own streaming processors are stopped before it writes: the running broker is the one that follows the events. Only the
 * subscribing read models run here, in each command's transaction, as in any broker. Exits 0 when written, 3 when
 * refused.
 */
@Component
@Profile("demo-history")
class DemoHistoryCommand implements ApplicationRunner, ExitCodeGenerator {

    private static final Logger log = LoggerFactory.getLogger(DemoHistoryCommand.class);

    private final DemoHistory history;
    private final DemoHistoryProperties settings;
    private final EventProcessingConfiguration processing;
    private final ApplicationContext context;
    private int exitCode = 1;

    DemoHistoryCommand(DemoHistory history, DemoHistoryProperties settings, EventProcessingConfiguration processing,
                       ApplicationContext context) {
        this.context = context;
        this.history = history;
        this.settings = settings;
        this.processing = processing;
    }

    @Override
    public void run(ApplicationArguments args) {
        processing.eventProcessors().forEach((name, processor) -> {
            if (!(processor instanceof SubscribingEventProcessor)) {
                processor.shutDown();
            }
        });
        try {
            DemoHistory.Report report = history.write(settings, Instant::now);
            System.out.printf("""
                    demo history written: pool "%s" (%s), %s to %s (holiday %s)
                      %d sessions of %d employees (%d warm, %d cold), %d desktops provisioned
                      %d commands, %d events in %d chunks, in %.1f s (%.0f events/s, %.2f ms of this JVM's CPU time each);
                      the broker's demand history caught up %.1f s later
                      forecast: %s
                    """, DemoHistory.POOL, report.poolId(), report.firstDay(), report.end().minusDays(1), report.holiday(),
                    report.sessions(), settings.employees(), report.warmHits(), report.coldStarts(), report.provisionings(),
                    report.commands(), report.events(), report.chunks(), report.writeMillis() / 1000.0,
                    report.events() * 1000.0 / Math.max(1, report.writeMillis()),
                    (double) report.cpuMillis() / Math.max(1, report.events()), report.catchUpMillis() / 1000.0, report.forecast() ? "made for the next 48 hours" : "not made (see the log)");
            exitCode = 0;
        } catch (DemoHistoryRefusedException e) {
            log.debug("Demo history refused", e);
            System.err.println("vdi: demo-history refused: " + e.getMessage());
            exitCode = 3;
        }
    }

    /** A one-off command: the JVM ends once the history is written (or refused). */
    @EventListener(ApplicationReadyEvent.class)
    void exit() {
        System.exit(SpringApplication.exit(context, this));
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }
}
