package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.openvdi.broker.host.api.HostCameBackEvent;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDeletedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.api.HostUncordonedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;

/**
 * How many desktops the hosts could hold for a pool at each moment, as placement would have seen it: the sum of the
 * {@code maxDesktops} of the hosts that were registered, up, not cordoned (nor draining) and whose labels matched the
 * pool's host selector at that moment. A step function, built from the hosts' events; before the first event no host
 * existed (room 0). Other pools' desktops on the same hosts are not subtracted.
 */
final class HostRoom {

    /** No limit: hosts not taken into account. */
    static final HostRoom UNLIMITED = new HostRoom(new TreeMap<>(Map.of(Instant.MIN, Integer.MAX_VALUE)));

    private final NavigableMap<Instant, Integer> steps;

    private HostRoom(NavigableMap<Instant, Integer> steps) {
        this.steps = steps;
    }

    /** The room at {@code at}. */
    int at(Instant at) {
        Map.Entry<Instant, Integer> step = steps.floorEntry(at);
        return step == null ? 0 : step.getValue();
    }

    /** A fixed room (for tests and for a pool whose hosts never changed). */
    static HostRoom fixed(int desktops) {
        return new HostRoom(new TreeMap<>(Map.of(Instant.MIN, desktops)));
    }

    /** One host event and when it happened. */
    record HostEvent(Instant at, Object payload) {
    }

    /**
     * The room from each host's events (in their order), for a pool with {@code selector}; {@link #UNLIMITED} when no
     * host the broker knows ever matched it (then the history says nothing about the hosts the pool had).
     */
    static HostRoom of(Map<UUID, List<HostEvent>> hosts, HostSelector selector) {
        List<HostEvent> all = new ArrayList<>();
        hosts.values().forEach(all::addAll);
        all.sort((a, b) -> a.at().compareTo(b.at()));
        Map<UUID, HostState> states = new java.util.HashMap<>();
        NavigableMap<Instant, Integer> steps = new TreeMap<>();
        boolean matched = false;
        for (HostEvent event : all) {
            HostState changed = next(states, event.payload());
            matched |= changed != null && (selector == null || selector.matches(changed.labels()));
            if (changed != null) {
                int room = states.values().stream().filter(s -> s.accepts(selector)).mapToInt(HostState::maxDesktops).sum();
                steps.put(event.at(), room);
            }
        }
        return matched ? new HostRoom(steps) : UNLIMITED;
    }

    private static HostState next(Map<UUID, HostState> states, Object payload) {
        if (payload instanceof HostRegisteredEvent e) {
            return put(states, e.hostId(), new HostState(e.maxDesktops(), Set.of(), true, false, false));
        }
        if (payload instanceof HostLabelsChangedEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), e.labels(), s.up(), s.cordoned(), s.draining()));
        }
        if (payload instanceof HostCordonedEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), s.labels(), s.up(), true, s.draining()));
        }
        if (payload instanceof HostUncordonedEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), s.labels(), s.up(), false, false));
        }
        if (payload instanceof HostDrainStartedEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), s.labels(), s.up(), true, true));
        }
        if (payload instanceof HostWentDownEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), s.labels(), false, s.cordoned(), s.draining()));
        }
        if (payload instanceof HostCameBackEvent e && states.containsKey(e.hostId())) {
            HostState s = states.get(e.hostId());
            return put(states, e.hostId(), new HostState(s.maxDesktops(), s.labels(), true, s.cordoned(), s.draining()));
        }
        if (payload instanceof HostDeletedEvent e) {
            return states.remove(e.hostId());
        }
        return null;
    }

    private static HostState put(Map<UUID, HostState> states, UUID id, HostState state) {
        states.put(id, state);
        return state;
    }

    /** What placement looks at of one host. */
    private record HostState(int maxDesktops, Set<String> labels, boolean up, boolean cordoned, boolean draining) {
        HostState {
            labels = new TreeSet<>(labels);
        }

        boolean accepts(HostSelector selector) {
            return up && !cordoned && !draining && (selector == null || selector.matches(labels));
        }
    }
}
