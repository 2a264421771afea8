package org.openvdi.gateway.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.openvdi.contract.ViewerAccess;
import org.springframework.stereotype.Component;

/**
 * The guacd connections of the session owners' tunnels on this gateway, by session, and who watches each: a viewer
 * who opened a share link joins the owner's connection (guacd's {@code select}) instead of opening a second one to
 * the display. Each change of the viewers is told to the owner's page as the gateway's own instruction
 * {@code openvdi-viewers,<name>,<access>,...} (no arguments: nobody watches). All methods are thread-safe.
 */
@Component
class SharedDisplays {

    /** Opcode of the instruction that tells the owner's page who watches. */
    static final String VIEWERS_OPCODE = "openvdi-viewers";
    /** Opcode of the instruction that tells a viewer's page whose desktop it shows, and how: {@code owner, access}. */
    static final String SHARED_OPCODE = "openvdi-shared";

    private record Owner(TunnelSession tunnel, String guacdConnectionId) {
    }

    private record Viewer(TunnelSession tunnel, String name, ViewerAccess access) {
    }

    private final Map<UUID, List<Owner>> owners = new ConcurrentHashMap<>();
    private final Map<UUID, List<Viewer>> viewers = new ConcurrentHashMap<>();

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

    void viewerJoined(UUID sessionId, TunnelSession tunnel, String name, ViewerAccess access) {
        viewers.compute(sessionId, (id, list) -> append(list, new Viewer(tunnel, name, access)));
        tellOwners(sessionId);
    }

    /** The tunnel ended, whichever side it was. */
    void closed(UUID sessionId, TunnelSession tunnel) {
        owners.computeIfPresent(sessionId, (id, list) -> without(list, o -> o.tunnel() == tunnel));
        boolean wasViewer = viewers.getOrDefault(sessionId, List.of()).stream().anyMatch(v -> v.tunnel() == tunnel);
        viewers.computeIfPresent(sessionId, (id, list) -> without(list, v -> v.tunnel() == tunnel));
        if (wasViewer) {
            tellOwners(sessionId);
        }
    }

    /** Who watches the session, as the instruction its owner's page gets. */
    String viewersInstruction(UUID sessionId) {
        List<String> args = new ArrayList<>();
        for (Viewer viewer : viewers.getOrDefault(sessionId, List.of())) {
            args.add(viewer.name());
            args.add(viewer.access().name());
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
