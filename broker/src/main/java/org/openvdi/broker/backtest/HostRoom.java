package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * How many desktops the hosts could hold for a pool at each moment, as placement would have seen it then: over the
 * hosts that were registered, up, not cordoned (nor draining) and whose labels matched the pool's host selector of
 * that moment, the sum of each one's {@code maxDesktops} less the desktops other pools held on it then (never below
 * zero). A step function, built from the hosts' events, the pool's selector changes and the other pools' desktops'
 * stays; before the first host event no host existed (room 0).
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

    /** The pool's host selector from {@code at} on. */
    record SelectorChange(Instant at, HostSelector selector) {
    }

    /** A desktop of another pool on {@code hostId} from {@code from} until {@code until} (null: to the end). */
    record OtherDesktop(UUID hostId, Instant from, Instant until) {
    }

    /** The room for a pool whose selector never changed and that had its hosts to itself. */
    static HostRoom of(Map<UUID, List<HostEvent>> hosts, HostSelector selector) {
        return of(hosts, List.of(new SelectorChange(Instant.MIN, selector)), List.of());
    }

    /**
     * The room from each host's events (in their order), the pool's selector over time (any host before the first
     * change) and the other pools' desktops; {@link #UNLIMITED} when no host the broker knows ever matched the pool's
     * selector of its time (then the history says nothing about the hosts the pool had).
     */
    static HostRoom of(Map<UUID, List<HostEvent>> hosts, List<SelectorChange> selectors, List<OtherDesktop> others) {
        List<Change> changes = new ArrayList<>();
        hosts.values().forEach(events -> events.forEach(e -> changes.add(new Change(e.at(), e.payload()))));
        selectors.forEach(s -> changes.add(new Change(s.at(), s)));
        for (OtherDesktop other : others) {
            changes.add(new Change(other.from(), new Occupied(other.hostId(), 1)));
            if (other.until() != null) {
                changes.add(new Change(other.until(), new Occupied(other.hostId(), -1)));
            }
        }
        changes.sort(Comparator.comparing(Change::at));       // stable: a host's own events keep their order
        Map<UUID, HostState> states = new HashMap<>();
        Map<UUID, Integer> occupied = new HashMap<>();
        HostSelector selector = HostSelector.ANY;
        NavigableMap<Instant, Integer> steps = new TreeMap<>();
        boolean matched = false;
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            if (change.what() instanceof SelectorChange s) {
                selector = s.selector() == null ? HostSelector.ANY : s.selector();
            } else if (change.what() instanceof Occupied o) {
                occupied.merge(o.hostId(), o.desktops(), Integer::sum);
            } else {
                next(states, change.what());
            }
            if (i + 1 < changes.size() && changes.get(i + 1).at().equals(change.at())) {
                continue;                                     // one step per moment, after all of its changes
            }
            int room = 0;
            for (Map.Entry<UUID, HostState> host : states.entrySet()) {
                HostState state = host.getValue();
                matched |= selector.matches(state.labels());
                if (state.accepts(selector)) {
                    room += Math.max(0, state.maxDesktops() - occupied.getOrDefault(host.getKey(), 0));
                }
            }
            steps.put(change.at(), room);
        }
        return matched ? new HostRoom(steps) : UNLIMITED;
    }

    /** Something that changes the room, and when. */
    private record Change(Instant at, Object what) {
    }

    /** Another pool's desktop arrived on a host (+1) or left it (-1). */
    private record Occupied(UUID hostId, int desktops) {
    }

    private static void next(Map<UUID, HostState> states, Object payload) {
        if (payload instanceof HostRegisteredEvent e) {
            states.put(e.hostId(), new HostState(e.maxDesktops(), Set.of(), true, false, false));
        } else if (payload instanceof HostDeletedEvent e) {
            states.remove(e.hostId());
        } else if (payload instanceof HostLabelsChangedEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), e.labels(), s.up(), s.cordoned(), s.draining()));
        } else if (payload instanceof HostCordonedEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), s.labels(), s.up(), true, s.draining()));
        } else if (payload instanceof HostUncordonedEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), s.labels(), s.up(), false, false));
        } else if (payload instanceof HostDrainStartedEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), s.labels(), s.up(), true, true));
        } else if (payload instanceof HostWentDownEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), s.labels(), false, s.cordoned(), s.draining()));
        } else if (payload instanceof HostCameBackEvent e) {
            states.computeIfPresent(e.hostId(), (id, s) -> new HostState(s.maxDesktops(), s.labels(), true, s.cordoned(), s.draining()));
        }
    }

    /** What placement looks at of one host. */
    private record HostState(int maxDesktops, Set<String> labels, boolean up, boolean cordoned, boolean draining) {
        HostState {
            labels = new TreeSet<>(labels);
        }

        boolean accepts(HostSelector selector) {
            return up && !cordoned && !draining && selector.matches(labels);
        }
    }
}
