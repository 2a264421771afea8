package org.openvdi.broker.integrity;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Seals new events into the hash chain, one run every {@code openvdi.audit.sealing.interval}, on one broker at a
 * time (an advisory lock), each run one transaction.
 * <p>
 * <b>Gaps.</b> The event store's global index comes from a sequence, and transactions commit out of order: when
 * the sealer reads index 11, index 10 may belong to a transaction still running, which commits a moment later (or
 * rolls back, and 10 never appears). So the chain is kept in the order events <i>appear</i>, not strictly by
 * global index: each link records its event's global index and its own position. A run
 * <ol>
 *   <li>seals the events that appeared in remembered gaps (late fillers), then</li>
 *   <li>the events above the highest sealed global index (the high-water mark), in index order, remembering every
 *   index skipped on the way as an open gap with the time it was noticed, and</li>
 *   <li>forgets gaps older than {@code gap-timeout} or more than {@code max-gap-offset} below the high-water mark
 *   (Axon's tracking tokens bound their gaps the same way).</li>
 * </ol>
 * A late filler is thus sealed where it appears, and verification never calls it inserted. An event that commits
 * into a gap after it was forgotten is never sealed: verification reports it as inserted, which it is as far as
 * the chain can tell (no broker transaction runs for ten minutes).
 * <p>
 * After the transaction commits, a checkpoint is signed and written when due ({@link CheckpointWriter}), so a
 * checkpoint never names links that rolled back.
 */
@Component
public class EventChainSealer {

    private static final Logger log = LoggerFactory.getLogger(EventChainSealer.class);
    static final String LOCK = "event-chain-sealer";

    private final ChainTables tables;
    private final ClusterLock lock;
    private final SealingSettings settings;
    private final CheckpointWriter checkpoints;
    private final Clock clock;
    private final ChainLinks links = new ChainLinks();

    @Autowired
    EventChainSealer(ChainTables tables, ClusterLock lock, SealingSettings settings, CheckpointWriter checkpoints) {
        this(tables, lock, settings, checkpoints, Clock.systemUTC());
    }

    EventChainSealer(ChainTables tables, ClusterLock lock, SealingSettings settings, CheckpointWriter checkpoints,
                     Clock clock) {
        this.tables = tables;
        this.lock = lock;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${openvdi.audit.sealing.interval:1s}",
            initialDelayString = "${openvdi.audit.sealing.initial-delay:1s}")
    void scheduled() {
        if (settings.enabled()) {
            try {
                sealAll();
            } catch (RuntimeException e) {
                log.error("Sealing the event chain failed; the next run tries again", e);
            }
        }
    }

    /** Seals until no new event is left; answers how many were sealed. */
    public long sealAll() {
        long sealed = 0;
        int batch;
        do {
            batch = seal();
            sealed += batch;
        } while (batch >= settings.batchSize());
        return sealed;
    }

    /** One run: answers how many events it sealed (0 too when another broker holds the lock). */
    synchronized int seal() {
        AtomicReference<ChainTables.Head> after = new AtomicReference<>();
        List<ChainTables.Link> sealed = new ArrayList<>();
        lock.runExclusively(LOCK, () -> after.set(tables.inTransaction(() -> sealInTransaction(sealed))));
        if (after.get() != null) {
            checkpoints.afterSealing(after.get(), sealed.size());
        }
        return sealed.size();
    }

    private ChainTables.Head sealInTransaction(List<ChainTables.Link> sealed) {
        Instant now = clock.instant();
        ChainTables.Head head = tables.head();
        long position = head.size();
        byte[] previous = head.link();
        long highWater = head.highWater();

        List<StoredEvent> fillers = tables.gapFillers();
        for (StoredEvent event : fillers) {
            previous = links.next(previous, event);
            sealed.add(new ChainTables.Link(position++, event.globalIndex(), event.eventIdentifier(), previous));
        }
        List<Long> gaps = new ArrayList<>();
        for (StoredEvent event : tables.after(highWater, settings.batchSize())) {
            gaps.addAll(ChainTables.between(Math.max(highWater, event.globalIndex() - settings.maxGapOffset() - 1),
                    event.globalIndex()));
            previous = links.next(previous, event);
            sealed.add(new ChainTables.Link(position++, event.globalIndex(), event.eventIdentifier(), previous));
            highWater = event.globalIndex();
        }
        if (!sealed.isEmpty()) {
            tables.insertLinks(sealed, now);
        }
        if (!fillers.isEmpty()) {
            tables.closeGaps(fillers.stream().map(StoredEvent::globalIndex).toList());
            log.info("Sealed {} events that committed late into gaps of the global index", fillers.size());
        }
        if (!gaps.isEmpty()) {
            tables.openGaps(gaps, now);
        }
        int expired = tables.expireGaps(now.minus(settings.gapTimeout()), highWater - settings.maxGapOffset());
        if (expired > 0) {
            log.info("Forgot {} gaps of the global index that no event filled in time", expired);
        }
        return new ChainTables.Head(position, previous, highWater);
    }
}
