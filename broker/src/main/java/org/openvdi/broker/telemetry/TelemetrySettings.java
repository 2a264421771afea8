package org.openvdi.broker.telemetry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the broker treats the gateways' telemetry.
 *
 * @param refusalEventsPerMinute how many refused records one broker records as events per minute; the rest are
 *                               only counted (and the count goes into the next event), so a flood of forged
 *                               records cannot flood the event store
 */
@ConfigurationProperties("openvdi.telemetry")
record TelemetrySettings(@DefaultValue("20") int refusalEventsPerMinute) {

    TelemetrySettings {
        if (refusalEventsPerMinute < 0) {
            throw new IllegalArgumentException("openvdi.telemetry.refusal-events-per-minute must not be negative");
        }
    }
}
