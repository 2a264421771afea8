package org.openvdi.broker.integrity;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Audit", description = "Tamper evidence of the event store")
class ChainVerifyController {

    private final ChainVerifications verifications;

    ChainVerifyController(ChainVerifications verifications) {
        this.verifications = verifications;
    }

    /**
     * Checks the hash chain against the stored events and the signed checkpoints (auditors only). Answers 200 with
     * the verdict: {@code INTACT} with the events and checkpoints checked and the speed, or the first finding.
     * The verification itself is recorded as an event.
     */
    @Operation(summary = "Verify the event store's hash chain and signed checkpoints")
    @PostMapping("/api/audit/verify")
    ChainReport verify(Principal auditor) {
        return verifications.verify(auditor.getName());
    }
}
