package org.openvdi.broker.integrity;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Signed checkpoints of the event chain, bound from {@code openvdi.audit.checkpoints.*}. The key lives in a file,
 * never in the database: whoever can write the database but not read this file cannot sign a checkpoint.
 *
 * @param directory  where checkpoints are written, one file each, never rewritten (outside PostgreSQL)
 * @param privateKey the Ed25519 signing key, PKCS#8 PEM ({@code openssl genpkey -algorithm ed25519}); unset: no
 *                   checkpoints are written, and verification cannot catch a truncated or recomputed chain
 * @param publicKey  the Ed25519 public key (X.509 PEM) that verification checks checkpoints with; unset: the
 *                   private key's own
 * @param origin     the log's name, the first line of each checkpoint and the signature's key name
 * @param everyEvents a checkpoint after this many newly sealed events
 * @param every       and at least this often while new events are sealed
 */
@Validated
@ConfigurationProperties("openvdi.audit.checkpoints")
record CheckpointSettings(@DefaultValue("data/checkpoints") @NotNull Path directory,
                          Path privateKey,
                          Path publicKey,
                          @DefaultValue("openvdi.local/event-chain") @NotBlank @Pattern(regexp = "[\\x21-\\x7e]{1,200}")
                          String origin,
                          @DefaultValue("1000") @Min(1) int everyEvents,
                          @DefaultValue("60s") @NotNull Duration every) {
}
