package org.openvdi.broker.store;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the event store ({@code openvdi.event-store.*}).
 *
 * @param readBatchSize events read from PostgreSQL per query by the streaming processors and aggregate
 *                      loading (Axon's default is 100: a processor catching up on a backlog then waits on a query
 *                      every 100 events); 1 to 100,000
 */
@ConfigurationProperties("openvdi.event-store")
public record EventStoreSettings(@DefaultValue("2000") int readBatchSize) {

    public EventStoreSettings {
        if (readBatchSize < 1 || readBatchSize > 100_000) {
            throw new IllegalArgumentException("openvdi.event-store.read-batch-size must be between 1 and 100000, not "
                    + readBatchSize);
        }
    }
}
