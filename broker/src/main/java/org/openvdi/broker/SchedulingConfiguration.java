package org.openvdi.broker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The periodic processes (capacity, provisioning, reconcile, forecast refresh, ...) run unless
 * {@code openvdi.scheduling.enabled=false}: a one-off command on a broker's store ({@code ./vdi demo-history}) sets it,
 * so that only the broker it runs beside does that work.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "openvdi.scheduling.enabled", havingValue = "true", matchIfMissing = true)
@EnableScheduling
class SchedulingConfiguration {
}
