package org.openvdi.broker.limits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes counters whose window and ban are over, every {@code openvdi.limits.cleanup-interval}. Every broker
 * does it; the delete is the same whoever runs it, so no lock is needed.
 */
@Component
class ExpiredCounterPurge {

    private static final Logger log = LoggerFactory.getLogger(ExpiredCounterPurge.class);

    private final LimitCounters counters;

    ExpiredCounterPurge(LimitCounters counters) {
        this.counters = counters;
    }

    @Scheduled(fixedDelayString = "${openvdi.limits.cleanup-interval:1m}", initialDelayString = "${openvdi.limits.cleanup-interval:1m}")
    void purge() {
        int deleted = counters.purgeExpired();
        if (deleted > 0) {
            log.debug("Deleted {} expired limit counters", deleted);
        }
    }
}
