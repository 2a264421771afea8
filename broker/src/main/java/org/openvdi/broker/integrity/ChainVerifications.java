package org.openvdi.broker.integrity;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.integrity.api.RecordChainVerificationCommand;
import org.springframework.stereotype.Component;

/**
 * Verifications on behalf of people, each recorded as an event (who, when, what it found). One pass along the
 * chain runs at a time: whoever asks while one runs shares its answer instead of starting another, so many
 * auditors (or one impatient one) cost the database one pass. A shared answer is at most one pass old.
 */
@Component
class ChainVerifications {

    private final ChainVerifier verifier;
    private final AuditedCommands commands;
    private CompletableFuture<ChainReport> running;

    ChainVerifications(ChainVerifier verifier, AuditedCommands commands) {
        this.verifier = verifier;
        this.commands = commands;
    }

    ChainReport verify(String auditor) {
        ChainReport report = shared();
        ChainReport.Finding finding = report.finding();
        commands.send(new RecordChainVerificationCommand(UUID.randomUUID(), auditor, report.verdict(),
                report.eventsChecked(), report.checkpointsChecked(), finding == null ? null : finding.globalIndex(),
                finding == null ? null : finding.detail()), auditor);
        return report;
    }

    /** The running pass's answer, or a new pass's, run on this caller's thread. */
    private ChainReport shared() {
        CompletableFuture<ChainReport> pass;
        boolean mine;
        synchronized (this) {
            mine = running == null || running.isDone();
            if (mine) {
                running = new CompletableFuture<>();
            }
            pass = running;
        }
        if (mine) {
            try {
                pass.complete(verifier.verify());
            } catch (RuntimeException e) {
                pass.completeExceptionally(e);
            }
        }
        return join(pass);
    }

    private static ChainReport join(CompletableFuture<ChainReport> pass) {
        try {
            return pass.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
