package org.openvdi.broker.reconcile;

import java.time.Duration;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param interval           pause between two inventories of every host (a plain number is milliseconds)
 * @param initialDelay       pause before the first inventory after start
 * @param failuresBeforeDown failed checks in a row after which a host is marked down
 * @param watchInterval      how often the watcher looks for hosts to (re)subscribe to
 * @param watchBackoffMin    first pause before subscribing again to a host whose subscription failed or was lost
 * @param watchBackoffMax    longest such pause (it doubles on each failure in a row)
 * @param orphanedUserDisks  what becomes of the user disk of a desktop that was destroyed when it is found on a
 *                           host: {@code KEEP} (the default: recorded as drift, never deleted) or {@code DELETE}
 */
@ConfigurationProperties("openvdi.reconcile")
record ReconcileProperties(@DefaultValue("10s") Duration interval, @DefaultValue("0s") Duration initialDelay,
                           @DefaultValue("3") int failuresBeforeDown, @DefaultValue("1s") Duration watchInterval,
                           @DefaultValue("1s") Duration watchBackoffMin, @DefaultValue("60s") Duration watchBackoffMax,
                           @DefaultValue("KEEP") UserDiskFate orphanedUserDisks) {

    /** The pause before attempt number {@code failures + 1}. */
    Duration backoff(int failures) {
        Duration pause = watchBackoffMin.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
        return pause.compareTo(watchBackoffMax) > 0 ? watchBackoffMax : pause;
    }
}
