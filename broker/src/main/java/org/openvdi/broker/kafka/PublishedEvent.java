package org.openvdi.broker.kafka;

import java.time.Instant;

/**
 * One domain event as published on {@code openvdi.events} (JSON, key = aggregate id).
 *
 * @param eventId       the event's id in the event store: consumers drop duplicates by it (publication is at-least-once)
 * @param type          the event's type, e.g. {@code SessionConnectedEvent}
 * @param aggregateType e.g. {@code Session}; null for an event that no aggregate applied
 * @param aggregateId   e.g. the session id
 * @param sequence      the event's number within its aggregate
 * @param timestamp     when it was recorded
 * @param actor         who caused it: a user name, {@code system} or a gateway
 * @param payload       the event's fields
 */
record PublishedEvent(String eventId, String type, String aggregateType, String aggregateId, Long sequence,
                      Instant timestamp, String actor, Object payload) {
}
