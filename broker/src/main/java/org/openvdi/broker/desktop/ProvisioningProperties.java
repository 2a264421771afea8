package org.openvdi.broker.desktop;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param workers        desktops provisioned or torn down at the same time
 * @param displayTimeout how long a started desktop may take until its display answers
 * @param agentTimeout   how long a desktop whose template declares {@code readiness: GUEST_AGENT} may take, once
 *                       its display answers, until its QEMU guest agent answers
 * @param deadline       how long provisioning may take in all before the desktop fails
 * @param attempts       tries of a step that failed with a retryable error
 */
@ConfigurationProperties("openvdi.provisioning")
public record ProvisioningProperties(@DefaultValue("4") int workers, @DefaultValue("120s") Duration displayTimeout,
                                     @DefaultValue("10m") Duration deadline, @DefaultValue("3") int attempts,
                                     @DefaultValue("120s") Duration agentTimeout) {
}
