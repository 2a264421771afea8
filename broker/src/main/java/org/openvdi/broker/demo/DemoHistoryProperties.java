package org.openvdi.broker.demo;

import java.time.LocalDate;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo history ({@code ./vdi demo-history}).
 *
 * @param dataDirectory  the demo's PostgreSQL data directory; the history refuses any other store
 * @param weeks          whole weeks of history, ending at {@code end}
 * @param end            the day after the history's last day (UTC); none: today, so the history ends at midnight
 * @param employees      employees of the history's office
 * @param spares         the static spare count the pool kept during the history
 * @param maxSize        the pool's maximum size
 * @param seed           the random seed: the same seed writes the same history, with the same ids
 * @param catchUpSeconds how long to wait for the running broker's demand history to catch up before forecasting
 */
@ConfigurationProperties("openvdi.demo-history")
public record DemoHistoryProperties(String dataDirectory,
                                    @DefaultValue("8") int weeks,
                                    LocalDate end,
                                    @DefaultValue("300") int employees,
                                    @DefaultValue("10") int spares,
                                    @DefaultValue("400") int maxSize,
                                    @DefaultValue("20261201") long seed,
                                    @DefaultValue("600") int catchUpSeconds) {
}
