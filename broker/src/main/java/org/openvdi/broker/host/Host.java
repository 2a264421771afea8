package org.openvdi.broker.host;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.ChangeHostLabelsCommand;
import org.openvdi.broker.host.api.CordonHostCommand;
import org.openvdi.broker.host.api.DeleteHostCommand;
import org.openvdi.broker.host.api.DrainHostCommand;
import org.openvdi.broker.host.api.HostAccelerationProbeRequestedEvent;
import org.openvdi.broker.host.api.HostAccelerationProbedEvent;
import org.openvdi.broker.host.api.HostCameBackEvent;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDeletedEvent;
import org.openvdi.broker.host.api.HostDrainCompletedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.openvdi.broker.host.api.HostDriftDetectedEvent;
import org.openvdi.broker.host.api.HostLabels;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostUncordonedEvent;
import org.openvdi.broker.host.api.HostWentDownEvent;
import org.openvdi.broker.host.api.MarkHostDownCommand;
import org.openvdi.broker.host.api.MarkHostUpCommand;
import org.openvdi.broker.host.api.RecordAccelerationProbeCommand;
import org.openvdi.broker.host.api.RecordDriftCommand;
import org.openvdi.broker.host.api.RecordHostDrainedCommand;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.host.api.RequestAccelerationProbeCommand;
import org.openvdi.broker.host.api.UncordonHostCommand;
import org.openvdi.broker.hypervisor.VirtType;

/**
 * A KVM host: where it is, how many desktops it takes, whether it is cordoned, draining or down, and for
 * a host set to auto, whether an acceleration probe is due (from registration until a result is recorded,
 * and again after each request).
 */
@Aggregate
class Host {

    @AggregateIdentifier
    private UUID hostId;
    private boolean cordoned;
    private boolean draining;
    private boolean drained;
    private boolean down;
    private boolean auto;
    private boolean probeDue;
    private Set<String> labels = new TreeSet<>();

    Host() {
    }

    @CommandHandler
    Host(RegisterHostCommand command, @MetaDataValue("user") String user) {
        SortedSet<String> initial = checked(command.labels());
        apply(new HostRegisteredEvent(command.hostId(), command.name(), command.uri(), command.virtType(),
                command.maxDesktops(), command.storagePool(), command.displayAddress(), user));
        if (!initial.isEmpty()) {
            apply(new HostLabelsChangedEvent(command.hostId(), initial, user));
        }
    }

    /** Replaces the labels; the same set again is a no-op. */
    @CommandHandler
    void handle(ChangeHostLabelsCommand command, @MetaDataValue("user") String user) {
        SortedSet<String> wanted = checked(command.labels());
        if (!wanted.equals(labels)) {
            apply(new HostLabelsChangedEvent(hostId, wanted, user));
        }
    }

    private static SortedSet<String> checked(Set<String> labels) {
        try {
            return HostLabels.of(labels);
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, e.getMessage(), "labels");
        }
    }

    @CommandHandler
    void handle(CordonHostCommand command, @MetaDataValue("user") String user) {
        if (!cordoned) {
            apply(new HostCordonedEvent(hostId, command.reason(), user));
        }
    }

    /** Cordons the host (unless it is already) and starts moving its idle desktops elsewhere. */
    @CommandHandler
    void handle(DrainHostCommand command, @MetaDataValue("user") String user) {
        if (draining) {
            return;
        }
        if (!cordoned) {
            apply(new HostCordonedEvent(hostId, command.reason(), user));
        }
        apply(new HostDrainStartedEvent(hostId, command.reason(), user));
    }

    @CommandHandler
    void handle(RecordHostDrainedCommand command) {
        if (draining && !drained) {
            apply(new HostDrainCompletedEvent(hostId));
        }
    }

    /** Only a drained host may go: its desktops have moved away, and no new one is placed on it. */
    @CommandHandler
    void handle(DeleteHostCommand command, @MetaDataValue("user") String user) {
        if (!draining || !drained) {
            throw new BrokerException(ErrorCode.HOST_NOT_DRAINED, draining
                    ? "The host is still draining: desktops remain on it"
                    : "Drain the host first (POST /api/hosts/" + hostId + "/drain), then delete it once it is empty");
        }
        apply(new HostDeletedEvent(hostId, user));
    }

    /** Ends a cordon, and with it any drain. */
    @CommandHandler
    void handle(UncordonHostCommand command, @MetaDataValue("user") String user) {
        if (cordoned) {
            apply(new HostUncordonedEvent(hostId, user));
        }
    }

    @CommandHandler
    void handle(MarkHostDownCommand command) {
        if (!down) {
            apply(new HostWentDownEvent(hostId, command.reason()));
        }
    }

    @CommandHandler
    void handle(MarkHostUpCommand command) {
        if (down) {
            apply(new HostCameBackEvent(hostId));
        }
    }

    @CommandHandler
    void handle(RequestAccelerationProbeCommand command, @MetaDataValue("user") String user) {
        requireAuto();
        if (!probeDue) {
            apply(new HostAccelerationProbeRequestedEvent(hostId, user));
        }
    }

    @CommandHandler
    void handle(RecordAccelerationProbeCommand command) {
        requireAuto();
        apply(new HostAccelerationProbedEvent(hostId, command.effectiveType(), command.reason(), command.millis()));
    }

    private void requireAuto() {
        if (!auto) {
            throw new BrokerException(ErrorCode.HOST_NOT_AUTO,
                    "Host " + hostId + " has a fixed virtualization type; only hosts set to auto are probed");
        }
    }

    @CommandHandler
    void handle(RecordDriftCommand command) {
        apply(new HostDriftDetectedEvent(hostId, command.desktopId(), command.kind(), command.detail()));
    }

    @EventSourcingHandler
    void on(HostRegisteredEvent event) {
        hostId = event.hostId();
        auto = event.virtType() == VirtType.AUTO;
        probeDue = auto;
    }

    @EventSourcingHandler
    void on(HostLabelsChangedEvent event) {
        labels = new TreeSet<>(event.labels());
    }

    @EventSourcingHandler
    void on(HostAccelerationProbeRequestedEvent event) {
        probeDue = true;
    }

    @EventSourcingHandler
    void on(HostAccelerationProbedEvent event) {
        probeDue = false;
    }

    @EventSourcingHandler
    void on(HostCordonedEvent event) {
        cordoned = true;
    }

    @EventSourcingHandler
    void on(HostDrainStartedEvent event) {
        draining = true;
        drained = false;
    }

    @EventSourcingHandler
    void on(HostDrainCompletedEvent event) {
        drained = true;
    }

    @EventSourcingHandler
    void on(HostUncordonedEvent event) {
        cordoned = false;
        draining = false;
    }

    @EventSourcingHandler
    void on(HostDeletedEvent event) {
        markDeleted();
    }

    @EventSourcingHandler
    void on(HostWentDownEvent event) {
        down = true;
    }

    @EventSourcingHandler
    void on(HostCameBackEvent event) {
        down = false;
    }
}
