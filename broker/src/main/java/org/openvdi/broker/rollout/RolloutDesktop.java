package org.openvdi.broker.rollout;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.rollout.api.RolloutDesktopStatus;
import org.openvdi.broker.rollout.api.RolloutStage;
import org.openvdi.broker.rollout.api.UpdateMethod;

/** One desktop's move in a rollout, as the process follows it. */
record RolloutDesktop(UUID rolloutId, UUID desktopId, UUID replacementId, RolloutStage stage, UpdateMethod method,
                      RolloutDesktopStatus status, UUID sessionId, String user, Instant logoffAt, String reason,
                      Instant startedAt, Instant finishedAt) {
}
