package org.openvdi.broker.desktop;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.desktop.api.DesktopMovePhase;
import org.openvdi.broker.desktop.api.DesktopState;

/**
 * One desktop as admins and auditors see it. {@code userDiskGiB}: the size of a persistent desktop's user disk
 * (null: none); {@code guestAgentAt}: when its guest agent last answered before it became ready (null: never, or
 * its template is ready when the display answers); {@code keepUserDisk}: its user disk stays on the host when it is
 * destroyed (a pool deleted with its users' disks kept); {@code moveToHost} and {@code movePhase}: the host a
 * persistent desktop is MOVING to and how far the move has come (null otherwise).
 */
public record DesktopView(UUID id, UUID poolId, UUID hostId, UUID templateId, int templateVersion, DesktopState state,
                          UUID sessionId, String assignedUser, String owner, String displayHost, Integer displayPort,
                          String failureReason, Instant requestedAt, Instant readyAt, Instant updatedAt, Integer userDiskGiB,
                          Instant guestAgentAt, boolean keepUserDisk, UUID moveToHost, DesktopMovePhase movePhase) {
}
