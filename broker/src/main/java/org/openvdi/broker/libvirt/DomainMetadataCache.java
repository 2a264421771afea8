package org.openvdi.broker.libvirt;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata of our domains as their XML last said, so that an inventory parses a domain's XML only when the text
 * changed since the last pass. Kept per registered host and keyed by our desktop id; each host's pass replaces that
 * host's entries with the domains it saw, so entries of domains that are gone do not stay.
 *
 * <p>Threading: passes of different hosts run on their own threads; a pass of one host builds its map on its own
 * thread and publishes it when it ends. Two passes of one host at once only cost a parse the other could have saved.
 */
final class DomainMetadataCache {

    /** What our metadata element of one domain's XML says. */
    record DomainMetadata(Optional<String> desktopId, Optional<String> hostId) {
    }

    private record Parsed(String xml, DomainMetadata metadata) {
    }

    private final Map<String, Map<String, Parsed>> byHost = new ConcurrentHashMap<>();
    private final AtomicLong parses = new AtomicLong();

    /** One inventory pass over one host's domains. */
    Pass pass(String hostId) {
        return new Pass(hostId, byHost.getOrDefault(hostId, Map.of()));
    }

    /** How many domain descriptions were parsed since this cache was made. */
    long parses() {
        return parses.get();
    }

    final class Pass {

        private final String hostId;
        private final Map<String, Parsed> previous;
        private final Map<String, Parsed> seen = new HashMap<>();

        private Pass(String hostId, Map<String, Parsed> previous) {
            this.hostId = hostId;
            this.previous = previous;
        }

        /** The metadata of the domain named for {@code desktopId} whose XML is {@code xml}, parsed only if it changed. */
        DomainMetadata metadata(String desktopId, String xml) {
            Parsed kept = previous.get(desktopId);
            if (kept == null || !kept.xml().equals(xml)) {
                parses.incrementAndGet();
                kept = new Parsed(xml, DomainXmlReader.metadata(xml));
            }
            seen.put(desktopId, kept);
            return kept.metadata();
        }

        /** Keeps what this pass saw, and only that, for the host's next pass. */
        void end() {
            byHost.put(hostId, Map.copyOf(seen));
        }
    }
}
