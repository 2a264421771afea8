package org.openvdi.broker.backtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostSelector;
import org.springframework.stereotype.Component;

/**
 * The hosts' room for a pool over time ({@link HostRoom}), from the event history of each host the broker knows now.
 * A host deleted since is not in it: its room is not counted for the time it existed.
 */
@Component
class HostRoomHistory {

    private final HostQueries hosts;
    private final EventStore events;

    HostRoomHistory(HostQueries hosts, EventStore events) {
        this.hosts = hosts;
        this.events = events;
    }

    HostRoom of(HostSelector selector) {
        Map<UUID, List<HostRoom.HostEvent>> history = new LinkedHashMap<>();
        for (HostView host : hosts.all()) {
            history.put(host.id(), events.readEvents(host.id().toString()).asStream()
                    .map(e -> new HostRoom.HostEvent(e.getTimestamp(), e.getPayload())).toList());
        }
        return HostRoom.of(history, selector);
    }
}
