package org.openvdi.broker.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.AssignDesktopCommand;
import org.openvdi.broker.desktop.api.RecordDesktopDestroyedCommand;
import org.openvdi.broker.desktop.api.RecordDesktopReadyCommand;
import org.openvdi.broker.desktop.api.RecordDesktopStartedCommand;
import org.openvdi.broker.desktop.api.RecordDomainDefinedCommand;
import org.openvdi.broker.desktop.api.RecordVolumeClonedCommand;
import org.openvdi.broker.desktop.api.ReleaseDesktopCommand;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.desktop.api.RetireSpareDesktopCommand;
import org.openvdi.broker.session.api.AssignDesktopToSessionCommand;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.RequestSessionCommand;
import org.openvdi.broker.session.api.SessionEndCause;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Plays the demo history's days through the real commands, in the order of their moments, with each command's
 * events stamped with its moment ({@link HistoryClock}). It plays the processes' part itself, the way they would
 * decide, without touching a hypervisor: the capacity process keeps {@code spares} ready desktops (plus one for each
 * waiting request), a provisioning takes a seeded lead time (request, clone, define, start, ready), a request takes
 * the oldest ready spare at once or waits for the next desktop, and a floating desktop is released, recycled and
 * destroyed when its session ends.
 *
 * <p>It commits in chunks, each ending at a quiet moment of a night (no session open, no desktop between states), so a
 * broker running beside it never reads a half-finished day: no session waiting for allocation, no desktop for its
 * provisioning sweep. Single-threaded; ids are derived from the history's key ({@link HistoryIds}).
 */
final class HistoryWriter {

    static final Duration ALLOCATION = Duration.ofMillis(300);
    static final Duration TEARDOWN = Duration.ofSeconds(20);

    /** What the history runs on: its pool, hosts (used in turn) and template, and the spare count it kept. */
    record Target(UUID poolId, List<UUID> hostIds, UUID templateId, int templateVersion, int spares, int maxSize) {
    }

    /** What was written. */
    record Written(int sessions, int warmHits, int coldStarts, int provisionings, int commands, int chunks) {
    }

    private record Action(Instant at, long order, Runnable run) {
    }

    private final CommandBatch commands;
    private final TransactionTemplate transactions;
    private final HistoryClock clock;
    private final HistoryIds ids;
    private final Target target;
    private final Random leadTimes;

    private final PriorityQueue<Action> timeline = new PriorityQueue<>((a, b) -> a.at().equals(b.at())
            ? Long.compare(a.order(), b.order()) : a.at().compareTo(b.at()));
    private final Deque<UUID> spares = new ArrayDeque<>();
    private final Deque<UUID> waiting = new ArrayDeque<>();
    private final Map<UUID, UUID> desktopOfSession = new HashMap<>();
    private final Map<UUID, String> userOfSession = new HashMap<>();
    private long order;
    private int provisioning;
    private int inUse;
    private int tearingDown;
    private int desktops;
    private int commandCount;
    private int warmHits;
    private int coldStarts;

    HistoryWriter(CommandBatch commands, TransactionTemplate transactions, HistoryClock clock, HistoryIds ids,
                  Target target) {
        this.commands = commands;
        this.transactions = transactions;
        this.clock = clock;
        this.ids = ids;
        this.target = target;
        this.leadTimes = new Random(ids.seed() ^ 0x5DEECE66DL);
    }

    /**
     * Writes {@code sessions} (in request order), then at {@code end} retires the spares left, so that nothing of the
     * history is still running. Commits at the first quiet moment after each {@code chunk} of history time.
     */
    Written write(List<PlannedSession> sessions, Instant start, Instant end, Duration chunk) {
        for (int i = 0; i < sessions.size(); i++) {
            PlannedSession planned = sessions.get(i);
            UUID sessionId = ids.session(i);
            at(planned.requestAt(), () -> request(sessionId, planned.user()));
            at(planned.endAt(), () -> end(sessionId));
        }
        at(start, this::keepSpares);
        int chunks = 0;
        Instant boundary = start.plus(chunk);
        while (!timeline.isEmpty()) {
            Instant until = boundary;
            transactions.executeWithoutResult(status -> batched(() -> {
                do {
                    Action next = timeline.poll();
                    clock.set(next.at());
                    next.run().run();
                } while (!timeline.isEmpty() && !(quiet() && !timeline.peek().at().isBefore(until)));
            }));
            chunks++;
            while (!timeline.isEmpty() && !timeline.peek().at().isBefore(boundary)) {
                boundary = boundary.plus(chunk);
            }
        }
        transactions.executeWithoutResult(status -> batched(() -> {
            clock.set(end);
            while (!spares.isEmpty()) {
                UUID desktop = spares.pollFirst();
                send(new RetireSpareDesktopCommand(desktop, "end of the demo history"));
                send(new RecordDesktopDestroyedCommand(desktop));
            }
        }));
        clock.set(null);
        return new Written(sessions.size(), warmHits, coldStarts, desktops, commandCount, chunks + 1);
    }

    /** Runs {@code part} of a transaction with its commands batched; the last batch commits before the transaction. */
    private void batched(Runnable part) {
        try {
            part.run();
            commands.commit();
        } catch (RuntimeException | Error e) {
            commands.rollback(e);
            throw e;
        }
    }

    private boolean quiet() {
        return inUse == 0 && waiting.isEmpty() && provisioning == 0 && tearingDown == 0;
    }

    private void at(Instant at, Runnable action) {
        timeline.add(new Action(at, order++, action));
    }

    private Instant now() {
        return clock.instant();
    }

    private void request(UUID sessionId, String user) {
        userOfSession.put(sessionId, user);
        commandCount++;
        commands.send(new RequestSessionCommand(sessionId, target.poolId(), user), user);
        UUID spare = spares.pollFirst();
        if (spare != null) {
            warmHits++;
            Instant requested = now();
            clock.set(requested.plus(ALLOCATION));
            assign(sessionId, spare);
            clock.set(requested);
        } else {
            waiting.addLast(sessionId);
        }
        keepSpares();
    }

    private void assign(UUID sessionId, UUID desktop) {
        send(new AssignDesktopCommand(desktop, sessionId, userOfSession.get(sessionId), false));
        send(new AssignDesktopToSessionCommand(sessionId, desktop));
        desktopOfSession.put(sessionId, desktop);
        inUse++;
    }

    private void ready(UUID desktop) {
        send(new RecordDesktopReadyCommand(desktop, "127.0.0.1", 5900, 0));
        provisioning--;
        UUID first = waiting.pollFirst();
        if (first == null) {
            spares.addLast(desktop);
        } else {
            coldStarts++;
            assign(first, desktop);
        }
    }

    private void end(UUID sessionId) {
        String user = userOfSession.remove(sessionId);
        UUID desktop = desktopOfSession.remove(sessionId);
        commandCount++;
        commands.send(new EndSessionCommand(sessionId, "signed off", user, SessionEndCause.LOGOFF), user);
        if (desktop == null) {
            waiting.remove(sessionId);      // gave up waiting
        } else {
            inUse--;
            send(new ReleaseDesktopCommand(desktop, sessionId));
            tearingDown++;
            at(now().plus(TEARDOWN), () -> {
                send(new RecordDesktopDestroyedCommand(desktop));
                tearingDown--;
            });
        }
        keepSpares();
    }

    /** As the capacity process: ready and coming desktops for the spare count and every waiting request. */
    private void keepSpares() {
        int wanted = target.spares() + waiting.size();
        while (spares.size() + provisioning < wanted && inUse + spares.size() + provisioning < target.maxSize()) {
            provision();
        }
    }

    private void provision() {
        UUID desktop = ids.desktop(desktops);
        UUID host = target.hostIds().get(desktops % target.hostIds().size());
        desktops++;
        provisioning++;
        send(new RequestDesktopProvisioningCommand(desktop, target.poolId(), host, target.templateId(),
                target.templateVersion(), null));
        long lead = leadMillis();
        Instant requested = now();
        long clone = lead * 15 / 100;
        long define = lead * 5 / 100;
        long start = lead * 10 / 100;
        at(requested.plusMillis(clone), () -> send(new RecordVolumeClonedCommand(desktop, clone)));
        at(requested.plusMillis(clone + define), () -> send(new RecordDomainDefinedCommand(desktop, define)));
        at(requested.plusMillis(clone + define + start), () -> send(new RecordDesktopStartedCommand(desktop, start)));
        at(requested.plusMillis(lead), () -> ready(desktop));
    }

    /** A provisioning's lead time: log-normal around 100 s, between 45 s and 6 min. */
    private long leadMillis() {
        double seconds = 100 * Math.exp(0.35 * leadTimes.nextGaussian());
        return Math.round(Math.max(45, Math.min(360, seconds)) * 1000);
    }

    private void send(Object command) {
        commandCount++;
        commands.send(command, AuditedCommands.SYSTEM);
    }
}
