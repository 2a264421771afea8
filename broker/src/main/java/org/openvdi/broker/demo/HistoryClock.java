package org.openvdi.broker.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock Axon stamps events with ({@code GenericEventMessage.clock}), with a past moment for the thread that
 * writes the demo history: commands sent on that thread are handled on it (Axon's simple command bus), so their
 * events carry the history's time, while every other thread keeps the clock it had. Installed for the run and
 * removed after it.
 */
final class HistoryClock extends Clock {

    private final Clock fallback;
    private final ThreadLocal<Instant> now = new ThreadLocal<>();

    HistoryClock(Clock fallback) {
        this.fallback = fallback;
    }

    /** From now on, this thread's events are stamped {@code at} (null: the fallback clock again). */
    void set(Instant at) {
        if (at == null) {
            now.remove();
        } else {
            now.set(at);
        }
    }

    Clock fallback() {
        return fallback;
    }

    @Override
    public Instant instant() {
        Instant at = now.get();
        return at != null ? at : fallback.instant();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
