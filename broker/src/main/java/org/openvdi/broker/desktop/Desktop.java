package org.openvdi.broker.desktop;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.desktop.api.*;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.hypervisor.UserDiskFate;

/** One desktop VM: decides its lifecycle; the provisioning process performs the side effects. */
@Aggregate(repository = "desktopRepository")
class Desktop {

    @AggregateIdentifier
    private UUID desktopId;
    private DesktopState state;
    private UUID sessionId;
    private String user;
    private String owner;
    private boolean poweringOn;
    private boolean userDisk;
    private boolean agentAnswered;
    private int templateVersion;
    private int recomposingTo;
    private UUID hostId;
    private UUID moveTo;
    private DesktopMovePhase movePhase;

    Desktop() {
    }

    @CommandHandler
    Desktop(RequestDesktopProvisioningCommand c) {
        apply(new DesktopProvisioningRequestedEvent(c.desktopId(), c.poolId(), c.hostId(), c.templateId(),
                c.templateVersion(), c.owner()));
    }

    @CommandHandler
    void handle(RecordVolumeClonedCommand c) {
        if (state.before(DesktopState.CLONED)) {
            apply(new DesktopVolumeClonedEvent(desktopId, c.millis()));
        }
    }

    @CommandHandler
    void handle(RecordUserDiskCreatedCommand c) {
        if (!userDisk && state.provisioning()) {
            apply(new DesktopUserDiskCreatedEvent(desktopId, c.sizeGiB(), c.millis()));
        }
    }

    @CommandHandler
    void handle(RecordDomainDefinedCommand c) {
        if (state.before(DesktopState.DEFINED)) {
            apply(new DesktopDomainDefinedEvent(desktopId, c.millis()));
        }
    }

    @CommandHandler
    void handle(RecordDesktopStartedCommand c) {
        if (state.before(DesktopState.STARTED)) {
            apply(new DesktopStartedEvent(desktopId, c.millis()));
        }
    }

    @CommandHandler
    void handle(RecordGuestAgentAnsweredCommand c) {
        if (state == DesktopState.STARTED && !agentAnswered) {
            apply(new DesktopGuestAgentAnsweredEvent(desktopId, c.millis()));
        }
    }

    @CommandHandler
    void handle(RecordDesktopReadyCommand c) {
        if (state.provisioning()) {
            apply(new DesktopBecameReadyEvent(desktopId, c.displayHost(), c.displayPort(), c.millis()));
        }
    }

    @CommandHandler
    void handle(FailDesktopCommand c) {
        if (poweringOn && state.provisioning()) {
            // the user's disk is kept: a failed power-on is not a reason to tear the desktop down
            apply(new DesktopPowerOnFailedEvent(desktopId, c.step(), c.reason()));
        } else if (state != DesktopState.DESTROYED && state != DesktopState.FAILED) {
            apply(new DesktopFailedEvent(desktopId, c.step(), c.reason()));
        }
    }

    @CommandHandler
    void handle(AssignDesktopCommand c) {
        if (state == DesktopState.ASSIGNED && c.sessionId().equals(sessionId)) {
            return;
        }
        if (state != DesktopState.READY) {
            throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "Desktop " + desktopId + " is " + state);
        }
        if (owner != null && !owner.equals(c.user())) {
            throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "Desktop " + desktopId + " belongs to someone else");
        }
        apply(new DesktopAssignedEvent(desktopId, c.sessionId(), c.user(), c.claim() && owner == null));
    }

    @CommandHandler
    void handle(ReleaseDesktopCommand c) {
        if (state != DesktopState.ASSIGNED || !Objects.equals(c.sessionId(), sessionId)) {
            return;
        }
        apply(new DesktopReleasedEvent(desktopId, sessionId, user));
        if (owner == null) {
            apply(new DesktopRecycledEvent(desktopId, "floating desktop released"));
        }
    }

    /**
     * A powered-off persistent desktop moves to another host; asking again for the same host is a no-op. A running
     * one is refused (it moves at its next power-off), as are floating desktops (they are replaced, not moved).
     */
    @CommandHandler
    void handle(RequestDesktopMoveCommand c) {
        if (state == DesktopState.MOVING && c.toHostId().equals(moveTo)) {
            return;
        }
        if (state != DesktopState.POWERED_OFF || owner == null) {
            throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "Desktop " + desktopId + " is " + state
                    + (owner == null ? " and has no owner" : "") + "; only a powered-off persistent desktop moves");
        }
        if (c.toHostId().equals(hostId)) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop " + desktopId + " is on that host already");
        }
        apply(new DesktopMoveRequestedEvent(desktopId, hostId, c.toHostId(), c.reason()));
    }

    @CommandHandler
    void handle(RecordDesktopMoveStartedCommand c) {
        if (state == DesktopState.MOVING && movePhase == DesktopMovePhase.REQUESTED) {
            apply(new DesktopMoveStartedEvent(desktopId, moveTo));
        }
    }

    /** Only volumes whose checksums agree on both sides count as copied. */
    @CommandHandler
    void handle(RecordDesktopMoveCopiedCommand c) {
        if (state != DesktopState.MOVING || movePhase == DesktopMovePhase.COPIED) {
            return;
        }
        c.unverified().ifPresent(volume -> {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Volume " + volume + " differs on the new host");
        });
        apply(new DesktopMoveCopiedEvent(desktopId, moveTo, List.copyOf(c.volumes()), c.millis()));
    }

    /** Only after the copy was verified. */
    @CommandHandler
    void handle(RecordDesktopMovedCommand c) {
        if (state != DesktopState.MOVING) {
            return;
        }
        if (movePhase != DesktopMovePhase.COPIED) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop " + desktopId + " has no verified copy yet");
        }
        apply(new DesktopMoveFinishedEvent(desktopId, hostId, moveTo, c.millis()));
    }

    @CommandHandler
    void handle(FailDesktopMoveCommand c) {
        if (state == DesktopState.MOVING) {
            apply(new DesktopMoveFailedEvent(desktopId, hostId, moveTo, c.reason()));
        }
    }

    @CommandHandler
    void handle(RecycleDesktopCommand c) {
        if (state == DesktopState.MOVING) {
            throw new BrokerException(ErrorCode.DESKTOP_IN_USE, "Desktop " + desktopId + " is moving to another host");
        }
        if (state == DesktopState.ASSIGNED) {
            throw new BrokerException(ErrorCode.DESKTOP_IN_USE, "Desktop " + desktopId + " is in use by session " + sessionId);
        }
        if (state != DesktopState.DESTROYED && state != DesktopState.RECYCLING) {
            apply(new DesktopRecycledEvent(desktopId, c.reason(), userDisk && owner != null && c.userDisk() == UserDiskFate.KEEP));
        }
    }

    /**
     * An admin's recycling: a repeated one is a no-op; a desktop in use is refused, naming its session (end the
     * session first, with a message to its user if need be); a persistent desktop only with force, as its user disk
     * goes with it.
     */
    @CommandHandler
    void handle(AdminRecycleDesktopCommand c) {
        if (state == DesktopState.DESTROYED || state.awaitingTeardown()) {
            return;
        }
        if (state == DesktopState.ASSIGNED) {
            throw inUse();
        }
        if (owner != null && !c.force()) {
            throw new BrokerException(ErrorCode.DESKTOP_PERSISTENT, "Desktop " + desktopId + " is the persistent desktop of "
                    + owner + ": recycling it deletes their user disk; ask again with force=true to do so");
        }
        apply(new DesktopRecycledEvent(desktopId, "recycled by " + c.by(), false, c.by()));
    }

    /** An admin's power-off of a persistent desktop nobody uses; one resting already stays as it is. */
    @CommandHandler
    void handle(AdminPowerOffDesktopCommand c) {
        if (state.resting()) {
            return;
        }
        if (state == DesktopState.ASSIGNED) {
            throw inUse();
        }
        if (state != DesktopState.READY) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop " + desktopId + " is " + state + ": only a ready one powers off");
        }
        if (owner == null) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop " + desktopId
                    + " is an unclaimed spare: only a persistent desktop powers off (recycle a spare instead)");
        }
        apply(new DesktopPoweredOffEvent(desktopId, "powered off by " + c.by(), c.by()));
    }

    /** An admin's power-on of a resting desktop; one that is on or powering on already stays as it is. */
    @CommandHandler
    void handle(AdminPowerOnDesktopCommand c) {
        if (state.resting()) {
            apply(new DesktopPowerOnRequestedEvent(desktopId, c.by()));
        } else if (state != DesktopState.READY && state != DesktopState.ASSIGNED && !state.provisioning()) {
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop " + desktopId + " is " + state + ": it cannot be powered on");
        }
    }

    private BrokerException inUse() {
        return new BrokerException(ErrorCode.DESKTOP_IN_USE, "Desktop " + desktopId + " is in use by session " + sessionId
                + " of " + user + ": end that session first");
    }

    @CommandHandler
    void handle(RetireSpareDesktopCommand c) {
        if (state == DesktopState.RECYCLING || state == DesktopState.DESTROYED) {
            return;
        }
        if (state != DesktopState.READY || owner != null || sessionId != null) {
            throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "Desktop " + desktopId + " is no longer a spare");
        }
        apply(new DesktopRecycledEvent(desktopId, c.reason()));
    }

    @CommandHandler
    void handle(RecordDesktopDestroyedCommand c) {
        if (state != DesktopState.DESTROYED) {
            apply(new DesktopDestroyedEvent(desktopId));
        }
    }

    @CommandHandler
    void handle(RecordDesktopLostCommand c) {
        if (state != DesktopState.DESTROYED && !state.awaitingTeardown()) {
            apply(new DesktopLostEvent(desktopId, c.reason()));
        }
    }

    @CommandHandler
    void handle(RecordDesktopPoweredOffCommand c) {
        if (state == DesktopState.READY && owner != null) {
            apply(new DesktopPoweredOffEvent(desktopId, c.reason()));
        }
    }

    /** Only a persistent desktop nobody uses is suspended; a repeated request is a no-op. */
    @CommandHandler
    void handle(SuspendDesktopCommand c) {
        if (state == DesktopState.READY && owner != null) {
            apply(new DesktopSuspendRequestedEvent(desktopId, c.reason()));
        }
    }

    @CommandHandler
    void handle(RecordDesktopSuspendedCommand c) {
        if (state == DesktopState.SUSPENDING) {
            apply(new DesktopSuspendedEvent(desktopId, c.saved(), c.millis()));
        }
    }

    /** A resting desktop powers on; one that is suspended resumes, as its host's start restores the saved state. */
    @CommandHandler
    void handle(RequestDesktopPowerOnCommand c) {
        if (state.resting()) {
            apply(new DesktopPowerOnRequestedEvent(desktopId));
        }
    }

    @CommandHandler
    void handle(RecomposeDesktopCommand c) {
        if (state == DesktopState.RECOMPOSING && recomposingTo == c.templateVersion()
                || templateVersion == c.templateVersion() && state != DesktopState.RECOMPOSING) {
            return;
        }
        if (state != DesktopState.READY && state != DesktopState.POWERED_OFF && state != DesktopState.SUSPENDED) {
            throw new BrokerException(ErrorCode.DESKTOP_NOT_AVAILABLE, "Desktop " + desktopId + " is " + state);
        }
        apply(new DesktopRecompositionStartedEvent(desktopId, templateVersion, c.templateVersion(), c.rolloutId()));
    }

    @CommandHandler
    void handle(RecordDesktopRecomposedCommand c) {
        if (state == DesktopState.RECOMPOSING) {
            apply(new DesktopRecomposedEvent(desktopId, recomposingTo));
        }
    }

    @EventSourcingHandler
    void on(DesktopMoveRequestedEvent e) {
        state = DesktopState.MOVING;
        moveTo = e.toHostId();
        movePhase = DesktopMovePhase.REQUESTED;
    }

    @EventSourcingHandler
    void on(DesktopMoveStartedEvent e) {
        movePhase = DesktopMovePhase.STARTED;
    }

    @EventSourcingHandler
    void on(DesktopMoveCopiedEvent e) {
        movePhase = DesktopMovePhase.COPIED;
    }

    @EventSourcingHandler
    void on(DesktopMoveFinishedEvent e) {
        state = DesktopState.POWERED_OFF;
        hostId = e.toHostId();
        moveTo = null;
        movePhase = null;
    }

    @EventSourcingHandler
    void on(DesktopMoveFailedEvent e) {
        state = DesktopState.POWERED_OFF;
        moveTo = null;
        movePhase = null;
    }

    @EventSourcingHandler
    void on(DesktopRecompositionStartedEvent e) {
        state = DesktopState.RECOMPOSING;
        recomposingTo = e.toVersion();
    }

    @EventSourcingHandler
    void on(DesktopRecomposedEvent e) {
        state = DesktopState.REQUESTED;
        templateVersion = e.templateVersion();
        poweringOn = false;
    }

    @EventSourcingHandler
    void on(DesktopProvisioningRequestedEvent e) {
        desktopId = e.desktopId();
        owner = e.owner();
        hostId = e.hostId();
        templateVersion = e.templateVersion();
        state = DesktopState.REQUESTED;
    }

    @EventSourcingHandler
    void on(DesktopVolumeClonedEvent e) {
        state = DesktopState.CLONED;
    }

    @EventSourcingHandler
    void on(DesktopUserDiskCreatedEvent e) {
        userDisk = true;
    }

    @EventSourcingHandler
    void on(DesktopDomainDefinedEvent e) {
        state = DesktopState.DEFINED;
    }

    @EventSourcingHandler
    void on(DesktopStartedEvent e) {
        state = DesktopState.STARTED;
        agentAnswered = false;
    }

    @EventSourcingHandler
    void on(DesktopGuestAgentAnsweredEvent e) {
        agentAnswered = true;
    }

    @EventSourcingHandler
    void on(DesktopBecameReadyEvent e) {
        state = DesktopState.READY;
        poweringOn = false;
    }

    @EventSourcingHandler
    void on(DesktopFailedEvent e) {
        state = DesktopState.FAILED;
    }

    @EventSourcingHandler
    void on(DesktopAssignedEvent e) {
        state = DesktopState.ASSIGNED;
        sessionId = e.sessionId();
        user = e.user();
        if (e.claimed()) {
            owner = e.user();
        }
    }

    @EventSourcingHandler
    void on(DesktopReleasedEvent e) {
        state = DesktopState.READY;
        sessionId = null;
        user = null;
    }

    @EventSourcingHandler
    void on(DesktopRecycledEvent e) {
        state = DesktopState.RECYCLING;
    }

    @EventSourcingHandler
    void on(DesktopDestroyedEvent e) {
        state = DesktopState.DESTROYED;
    }

    @EventSourcingHandler
    void on(DesktopLostEvent e) {
        state = DesktopState.LOST;
        poweringOn = false;
    }

    @EventSourcingHandler
    void on(DesktopPoweredOffEvent e) {
        state = DesktopState.POWERED_OFF;
    }

    @EventSourcingHandler
    void on(DesktopSuspendRequestedEvent e) {
        state = DesktopState.SUSPENDING;
    }

    @EventSourcingHandler
    void on(DesktopSuspendedEvent e) {
        state = DesktopState.SUSPENDED;
    }

    @EventSourcingHandler
    void on(DesktopPowerOnRequestedEvent e) {
        state = DesktopState.DEFINED;
        poweringOn = true;
    }

    @EventSourcingHandler
    void on(DesktopPowerOnFailedEvent e) {
        state = DesktopState.POWERED_OFF;
        poweringOn = false;
    }
}
