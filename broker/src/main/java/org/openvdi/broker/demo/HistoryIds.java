package org.openvdi.broker.demo;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The demo history's own ids, derived from its seed: the same history has the same pool, hosts, desktops and
 * sessions, so a second run meets its first run's pool and stops instead of writing the history twice.
 */
record HistoryIds(long seed) {

    UUID pool() {
        return id("pool");
    }

    UUID host(int index) {
        return id("host/" + index);
    }

    UUID desktop(int index) {
        return id("desktop/" + index);
    }

    UUID session(int index) {
        return id("session/" + index);
    }

    private UUID id(String what) {
        return UUID.nameUUIDFromBytes(("openvdi-demo-history/" + seed + "/" + what).getBytes(StandardCharsets.UTF_8));
    }
}
