package org.openvdi.gateway.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.openvdi.contract.ViewerAccess;
import org.openvdi.contract.Watcher;
import org.springframework.stereotype.Component;

/**
 * The guacd connections of the session owners' tunnels on this gateway, by session, and who watches each. A viewer
 * who opened a share link joins the owner's connection here (guacd's {@code select}) when this gateway carries it,
 * and otherwise opens a shared connection of its own to the display. The owner's page is told every change of who
 * watches, through this gateway and (as the broker says on each notice poll) through others, as the gateway's own
 * instruction {@code openvdi-viewers,<name>,<access>,...} (no arguments: nobody watches). When the last owner
 * connection a viewer joined ends, the viewer is cut off as {@link TunnelFailure#SHARE_OWNER_ABSENT} (guacd ends a
 * joined user with its owner). All methods are thread-safe.
 */
@Component
class SharedDisplays {

    /** Opcode of the instruction that tells the owner's page who watches. */
    static final String VIEWERS_OPCODE = "openvdi-viewers";
    /** Opcode of the instruction that tells a viewer's page whose desktop it shows, and how: {@code owner, access}. */
    static final String SHARED_OPCODE = "openvdi-shared";

    private record Owner(TunnelSession tunnel, String guacdConnectionId) {
    }

    /** {@code joined}: the owner's guacd connection it joined, null when it has a connection of its own. */
    private record Viewer(TunnelSession tunnel, String name, ViewerAccess access, String joined) {
    }

    private final Map<UUID, List<Owner>> owners = new ConcurrentHashMap<>();
    private final Map<UUID, List<Viewer>> viewers = new ConcurrentHashMap<>();
    /** Who watches through other gateways, by session, as the broker last said. */
    private final Map<UUID, List<Watcher>> elsewhere = new ConcurrentHashMap<>();

    /** An owner's tunnel shows the display through guacd connection {@code guacdConnectionId}. */
    void ownerOpened(UUID sessionId, TunnelSession tunnel, String guacdConnectionId) {
        owners.compute(sessionId, (id, list) -> append(list, new Owner(tunnel, guacdConnectionId)));
    }

    /** The guacd connection of the session's newest open owner tunnel on this gateway. */
    Optional<String> connectionOf(UUID sessionId) {
        List<Owner> list = owners.get(sessionId);
        return list == null || list.isEmpty() ? Optional.empty()
                : Optional.ofNullable(list.get(list.size() - 1).guacdConnectionId());
    }

    /**
     * A viewer's tunnel shows the display: through the owner's guacd connection {@code joined}, or through one of its
     * own ({@code joined} null).
     */
    void viewerJoined(UUID sessionId, TunnelSession tunnel, String name, ViewerAccess access, String joined) {
        viewers.compute(sessionId, (id, list) -> append(list, new Viewer(tunnel, name, access, joined)));
        tellOwners(sessionId);
    }

    /** The broker says who watches the session through other gateways; the owners here are told of a change. */
    void watchingElsewhere(UUID sessionId, List<Watcher> watching) {
        if (!owners.containsKey(sessionId)) {
            elsewhere.remove(sessionId);
            return;
        }
        List<Watcher> before = elsewhere.put(sessionId, List.copyOf(watching));
        if (!watching.equals(before == null ? List.of() : before)) {
            tellOwners(sessionId);
        }
    }

    /** The tunnel ended, whichever side it was. */
    void closed(UUID sessionId, TunnelSession tunnel) {
        Optional<Owner> owner = owners.getOrDefault(sessionId, List.of()).stream()
                .filter(o -> o.tunnel() == tunnel).findFirst();
        owners.computeIfPresent(sessionId, (id, list) -> without(list, o -> o.tunnel() == tunnel));
        if (owner.isPresent()) {
            if (!owners.containsKey(sessionId)) {
                elsewhere.remove(sessionId);
            }
            String connection = owner.get().guacdConnectionId();
            viewers.getOrDefault(sessionId, List.of()).stream()
                    .filter(v -> connection != null && connection.equals(v.joined()))
                    .forEach(v -> v.tunnel().cut(TunnelFailure.SHARE_OWNER_ABSENT));
            return;
        }
        boolean wasViewer = viewers.getOrDefault(sessionId, List.of()).stream().anyMatch(v -> v.tunnel() == tunnel);
        viewers.computeIfPresent(sessionId, (id, list) -> without(list, v -> v.tunnel() == tunnel));
        if (wasViewer) {
            tellOwners(sessionId);
        }
    }

    /** Who watches the session, here and elsewhere, as the instruction its owner's page gets. */
    String viewersInstruction(UUID sessionId) {
        List<String> args = new ArrayList<>();
        List<String> here = new ArrayList<>();
        for (Viewer viewer : viewers.getOrDefault(sessionId, List.of())) {
            here.add(viewer.name());
            args.add(viewer.name());
            args.add(viewer.access().name());
        }
        for (Watcher watcher : elsewhere.getOrDefault(sessionId, List.of())) {
            if (!here.contains(watcher.name())) {
                args.add(watcher.name());
                args.add(watcher.access().name());
            }
        }
        return new GuacamoleInstruction(VIEWERS_OPCODE, args).toString();
    }

    private void tellOwners(UUID sessionId) {
        String instruction = viewersInstruction(sessionId);
        owners.getOrDefault(sessionId, List.of()).forEach(owner -> owner.tunnel().tell(instruction));
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
        next.add(item);
        return List.copyOf(next);
    }

    private static <T> List<T> without(List<T> list, java.util.function.Predicate<T> drop) {
        List<T> next = list.stream().filter(drop.negate()).toList();
        return next.isEmpty() ? null : next;
    }
}
