package org.openvdi.broker.integrity;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openvdi.broker.integrity.api.SignedCheckpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Signs a checkpoint of the chain every {@code every-events} newly sealed events, or after {@code every} when
 * fewer were sealed since the last one, and writes it to the checkpoint directory; then announces it
 * ({@link SignedCheckpoint}) for the copies kept elsewhere (Kafka). Without a key it writes none and says so once
 * at start. A lost copy does no harm: each checkpoint vouches for the whole chain up to its size.
 */
@Component
class CheckpointWriter {

    private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

    private final CheckpointSettings settings;
    private final Optional<CheckpointKeys> keys;
    private final CheckpointDirectory directory;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;
    private long lastSize = -1;
    private Instant lastAt = Instant.EPOCH;

    @Autowired
    CheckpointWriter(CheckpointSettings settings, ApplicationEventPublisher publisher) {
        this(settings, publisher, Clock.systemUTC());
    }

    CheckpointWriter(CheckpointSettings settings, ApplicationEventPublisher publisher, Clock clock) {
        this.settings = settings;
        this.keys = CheckpointKeys.load(settings);
        this.directory = new CheckpointDirectory(settings.directory());
        this.publisher = publisher;
        this.clock = clock;
        if (keys.flatMap(CheckpointKeys::signing).isEmpty()) {
            log.warn("No checkpoint signing key (openvdi.audit.checkpoints.private-key): the event chain is sealed but no "
                    + "signed checkpoints are written, so a truncated or recomputed chain cannot be told apart");
        }
    }

    Optional<CheckpointKeys> keys() {
        return keys;
    }

    CheckpointDirectory directory() {
        return directory;
    }

    CheckpointSettings settings() {
        return settings;
    }

    /** Called after each committed sealing run with the chain's head then. */
    synchronized void afterSealing(ChainTables.Head head, int newlySealed) {
        if (keys.flatMap(CheckpointKeys::signing).isEmpty()) {
            return;
        }
        if (lastSize < 0) {
            List<CheckpointDirectory.Entry> written = directory.list();
            lastSize = written.isEmpty() ? 0 : written.get(written.size() - 1).size();
        }
        Instant now = clock.instant();
        boolean grown = head.size() > lastSize;
        boolean due = head.size() - lastSize >= settings.everyEvents() || !now.isBefore(lastAt.plus(settings.every()));
        if (grown && due) {
            write(head, now);
        }
    }

    private void write(ChainTables.Head head, Instant now) {
        CheckpointKeys key = keys.orElseThrow();
        CheckpointNote checkpoint = new CheckpointNote(settings.origin(), head.size(), head.link(), head.highWater(), now);
        String note = checkpoint.sign(key.signing().orElseThrow(), key.verifying());
        if (directory.write(head.size(), note)) {
            log.debug("Checkpoint of {} events written to {}", head.size(), directory.path());
            publisher.publishEvent(new SignedCheckpoint(settings.origin(), head.size(), note));
        }
        lastSize = head.size();
        lastAt = now;
    }
}
