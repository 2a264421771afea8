package org.openvdi.broker.host;

import java.util.List;
import java.util.UUID;

/**
 * What keeps a host from being drained, by desktop id: desktops a session is using ({@code inUse}, they stay until the
 * session ends), persistent desktops moving to another host ({@code moving}), persistent desktops running without a
 * session or suspended, which move at their next power-off ({@code awaitingPowerOff}), powered-off persistent desktops
 * whose move has not started, as no other host matching their pool has room yet ({@code awaitingMove}), and desktops being built or torn down here
 * ({@code settling}). A drained host has none.
 */
public record DrainBlockers(List<UUID> inUse, List<UUID> moving, List<UUID> awaitingPowerOff, List<UUID> awaitingMove,
                            List<UUID> settling) {

    public static final DrainBlockers NONE = new DrainBlockers(List.of(), List.of(), List.of(), List.of(), List.of());

    public boolean none() {
        return inUse.isEmpty() && moving.isEmpty() && awaitingPowerOff.isEmpty() && awaitingMove.isEmpty()
                && settling.isEmpty();
    }

    /** One sentence for a 409, e.g. "2 desktops in use, 1 moving". */
    public String describe() {
        StringBuilder text = new StringBuilder();
        part(text, inUse.size(), "in use by a session");
        part(text, moving.size(), "moving to another host");
        part(text, awaitingPowerOff.size(), "persistent, moving at the next power-off");
        part(text, awaitingMove.size(), "powered off, waiting for a matching host with room");
        part(text, settling.size(), "being built or torn down");
        return text.isEmpty() ? "nothing" : text.toString();
    }

    private static void part(StringBuilder text, int count, String what) {
        if (count > 0) {
            text.append(text.isEmpty() ? "" : "; ").append(count).append(count == 1 ? " desktop " : " desktops ").append(what);
        }
    }
}
