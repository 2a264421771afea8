package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.pool.api.PoolHostSelectorChangedEvent;
import org.springframework.stereotype.Component;

/**
 * The hosts' room for a pool over a period ({@link HostRoom}), from history: the events of each host the broker knows
 * now (their labels and states of each moment), the pool's own events (its host selector of each moment) and the
 * desktops other pools held on those hosts then (their stays in the desktop read model, from provisioning request
 * to destruction). A host deleted since is not in it: its room is not counted for the time it existed.
 */
@Component
class HostRoomHistory {

    private final HostQueries hosts;
    private final DesktopQueries desktops;
    private final EventStore events;

    HostRoomHistory(HostQueries hosts, DesktopQueries desktops, EventStore events) {
        this.hosts = hosts;
        this.desktops = desktops;
        this.events = events;
    }

    HostRoom of(UUID poolId, Instant from, Instant to) {
        Map<UUID, List<HostRoom.HostEvent>> history = new LinkedHashMap<>();
        for (HostView host : hosts.all()) {
            history.put(host.id(), events.readEvents(host.id().toString()).asStream()
                    .map(e -> new HostRoom.HostEvent(e.getTimestamp(), e.getPayload())).toList());
        }
        List<HostRoom.SelectorChange> selectors = events.readEvents(poolId.toString()).asStream()
                .filter(e -> PoolHostSelectorChangedEvent.class.equals(e.getPayloadType()))
                .map(e -> new HostRoom.SelectorChange(e.getTimestamp(),
                        HostSelector.of(((PoolHostSelectorChangedEvent) e.getPayload()).hostSelector())))
                .toList();
        List<HostRoom.OtherDesktop> others = desktops.staysOfOtherPools(poolId, history.keySet(), from, to).stream()
                .map(s -> new HostRoom.OtherDesktop(s.hostId(), s.from(), s.until())).toList();
        return HostRoom.of(history, selectors, others);
    }
}
