package org.openvdi.broker.desktop;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecomposedEvent;
import org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;

/**
 * Which template version one desktop ran, from when to when, read from its events alone: the version it was
 * provisioned on, then each version a rollout recomposed it onto. A period ends when a recomposition begins (the
 * old image stops there) or when the desktop is recycled, fails, is lost or destroyed; the current one has no end.
 */
public record DesktopVersionHistory(UUID desktopId, UUID poolId, UUID templateId, String owner, List<Period> versions) {

    /** How a period began. */
    public enum Origin { PROVISIONED, RECOMPOSED }

    /** How a period ended. */
    public enum End { RECOMPOSITION, RECYCLED, FAILED, LOST, DESTROYED }

    /**
     * One version the desktop ran. {@code rolloutId} is the rollout that recomposed it onto this version (null for its
     * first one); {@code until} and {@code end} are null while it still runs it; {@code detail} is why it ended.
     */
    public record Period(int version, Origin origin, UUID rolloutId, Instant since, Instant until, End end, String detail) {

        Period ended(Instant at, End how, String why) {
            return new Period(version, origin, rolloutId, since, at, how, why);
        }
    }

    /** The history of the desktop whose events these are, in order; empty when they hold no provisioning request. */
    public static java.util.Optional<DesktopVersionHistory> of(List<? extends EventMessage<?>> events) {
        UUID desktopId = null;
        UUID poolId = null;
        UUID templateId = null;
        String owner = null;
        List<Period> periods = new ArrayList<>();
        UUID recomposingFor = null;
        for (EventMessage<?> message : events) {
            Object e = message.getPayload();
            Instant at = message.getTimestamp();
            if (e instanceof DesktopProvisioningRequestedEvent r) {
                desktopId = r.desktopId();
                poolId = r.poolId();
                templateId = r.templateId();
                owner = r.owner();
                periods.add(new Period(r.templateVersion(), Origin.PROVISIONED, null, at, null, null, null));
            } else if (e instanceof DesktopAssignedEvent a && a.claimed()) {
                owner = a.user();
            } else if (e instanceof DesktopRecompositionStartedEvent s) {
                recomposingFor = s.rolloutId();
                end(periods, at, End.RECOMPOSITION, "rollout " + s.rolloutId() + " to version " + s.toVersion());
            } else if (e instanceof DesktopRecomposedEvent r) {
                periods.add(new Period(r.templateVersion(), Origin.RECOMPOSED, recomposingFor, at, null, null, null));
                recomposingFor = null;
            } else if (e instanceof DesktopRecycledEvent r) {
                end(periods, at, End.RECYCLED, r.reason());
            } else if (e instanceof DesktopFailedEvent f) {
                end(periods, at, End.FAILED, f.step() + ": " + f.reason());
            } else if (e instanceof DesktopLostEvent l) {
                end(periods, at, End.LOST, l.reason());
            } else if (e instanceof DesktopDestroyedEvent) {
                end(periods, at, End.DESTROYED, null);
            }
        }
        return desktopId == null ? java.util.Optional.empty()
                : java.util.Optional.of(new DesktopVersionHistory(desktopId, poolId, templateId, owner, List.copyOf(periods)));
    }

    /** Ends the period that still runs, if any: a later end (destroyed after recycled) keeps the first one. */
    private static void end(List<Period> periods, Instant at, End how, String why) {
        int last = periods.size() - 1;
        if (last >= 0 && periods.get(last).until() == null) {
            periods.set(last, periods.get(last).ended(at, how, why));
        }
    }
}
