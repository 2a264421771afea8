package org.openvdi.broker.demo;

import java.time.Duration;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.openvdi.broker.audit.AuditedCommands;

/**
 * Sends the demo history's commands through the ordinary command bus, many to one Axon unit of work. Each command is
 * handled as always (its aggregate validates it and applies its events, in a unit of work of its own), but that unit
 * of work is nested in the batch's, and Axon lets the outermost one coordinate: the aggregates a batch has loaded stay
 * loaded for its later commands (no second read of their events), and the events of all its commands are appended in
 * one JDBC batch and handed to the subscribing read models when the batch commits, in the order they were applied.
 * Without it every command paid its own aggregate load, append and read-model round trips.
 *
 * <p>A batch commits after {@code maxCommands} commands or once it has been open {@code maxOpen}, whichever comes
 * first: Axon limits how long a command's unit of work may last (the outermost one included), so a batch stays far
 * below that limit whatever the load. Commits here are not database commits: the caller's transaction (a day of the
 * history) decides those. Single-threaded, like the writer.
 */
final class CommandBatch {

    private final AuditedCommands commands;
    private final int maxCommands;
    private final long maxOpenNanos;
    private UnitOfWork<?> open;
    private int sent;
    private long openedAt;
    private int batches;

    CommandBatch(AuditedCommands commands, int maxCommands, Duration maxOpen) {
        if (maxCommands < 1) {
            throw new IllegalArgumentException("a batch holds at least one command");
        }
        this.commands = commands;
        this.maxCommands = maxCommands;
        this.maxOpenNanos = maxOpen.toNanos();
    }

    /** Sends {@code command} as {@code actor} within the open batch (opened if none is). */
    void send(Object command, String actor) {
        if (open == null) {
            open = DefaultUnitOfWork.startAndGet(new GenericMessage<>("demo history batch"));
            openedAt = System.nanoTime();
            sent = 0;
        }
        commands.send(command, actor);
        sent++;
        if (sent >= maxCommands || System.nanoTime() - openedAt >= maxOpenNanos) {
            commit();
        }
    }

    /** Commits the open batch, if any: its events are appended and projected (within the caller's transaction). */
    void commit() {
        if (open != null) {
            UnitOfWork<?> batch = open;
            open = null;
            batches++;
            batch.commit();
        }
    }

    /** Rolls the open batch back after {@code failure}; the caller's transaction rolls back as well. */
    void rollback(Throwable failure) {
        if (open != null) {
            UnitOfWork<?> batch = open;
            open = null;
            batch.rollback(failure);
        }
    }

    /** Batches committed so far. */
    int committed() {
        return batches;
    }
}
