package org.openvdi.broker.integrity;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the event chain is sealed, bound from {@code openvdi.audit.sealing.*}.
 *
 * @param enabled      off: no broker seals new events (verification still checks what was sealed)
 * @param interval     pause between two sealing runs
 * @param batchSize    most new events sealed in one run (one transaction)
 * @param gapTimeout   how long a gap in the global index is waited for; an event that commits into it later is
 *                     never sealed, and verification reports it as inserted
 * @param maxGapOffset gaps this far below the newest sealed global index are forgotten at once (as Axon's
 *                     {@code maxGapOffset}), which bounds the gaps kept
 */
@Validated
@ConfigurationProperties("openvdi.audit.sealing")
record SealingSettings(@DefaultValue("true") boolean enabled,
                       @DefaultValue("1s") @NotNull Duration interval,
                       @DefaultValue("5000") @Min(1) int batchSize,
                       @DefaultValue("10m") @NotNull Duration gapTimeout,
                       @DefaultValue("10000") @Min(1) int maxGapOffset) {
}
