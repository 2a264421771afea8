package org.openvdi.broker.store;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this broker shares the event store with others ({@code openvdi.cluster.*}).
 *
 * @param nodeId       this broker's name in the token store's claims ({@code tokenentry.owner}) and in its logs;
 *                     empty: the JVM's {@code pid@host}. Each broker of an installation needs its own.
 * @param claimTimeout how long a segment claim lasts without being extended: a broker that dies (SIGKILL, a lost
 *                     machine) keeps its segments this long, then the others take them. Its owner extends a claim at
 *                     least every second while it runs, so keep it well above that; 2 s to 10 min
 */
@ConfigurationProperties("openvdi.cluster")
public record ClusterSettings(@DefaultValue("") String nodeId, @DefaultValue("5s") Duration claimTimeout) {

    public ClusterSettings {
        if (nodeId.length() > 100 || !nodeId.matches("[A-Za-z0-9._@:-]*")) {
            throw new IllegalArgumentException("openvdi.cluster.node-id must be at most 100 letters, digits or ._@:-");
        }
        if (claimTimeout.compareTo(Duration.ofSeconds(2)) < 0 || claimTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("openvdi.cluster.claim-timeout must be between 2 s and 10 min, not " + claimTimeout);
        }
    }

    /** The node id, or the JVM's {@code pid@host} when none is set. */
    public String node() {
        return nodeId.isEmpty() ? ManagementFactory.getRuntimeMXBean().getName() : nodeId;
    }
}
