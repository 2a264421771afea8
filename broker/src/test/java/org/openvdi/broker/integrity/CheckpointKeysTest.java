package org.openvdi.broker.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys as {@code ./vdi up} makes them (openssl), the public key the broker derives, and notes signed with them. */
class CheckpointKeysTest {

    @TempDir
    Path work;

    private CheckpointSettings settings(Path privateKey, Path publicKey) {
        return new CheckpointSettings(work.resolve("checkpoints"), privateKey, publicKey, "test.openvdi/event-chain", 10,
                Duration.ofMinutes(1));
    }

    @Test
    void givenOpensslKey_whenLoaded_thenDerivedPublicKeyIsOpensslsAndNotesVerifyWithIt() throws Exception {
        Path key = work.resolve("key.pem");
        Path pub = work.resolve("key.pub.pem");
        assertThat(new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString())
                .inheritIO().start().waitFor()).isZero();
        assertThat(new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())
                .inheritIO().start().waitFor()).isZero();

        CheckpointKeys keys = CheckpointKeys.load(settings(key, null)).orElseThrow();
        CheckpointKeys verifyOnly = CheckpointKeys.load(settings(null, pub)).orElseThrow();

        assertThat(keys.verifying().getEncoded()).isEqualTo(verifyOnly.verifying().getEncoded());
        assertThat(verifyOnly.signing()).isEmpty();
        String note = new CheckpointNote("test.openvdi/event-chain", 3, new byte[32], 9, Instant.parse("2030-01-01T00:00:00Z"))
                .sign(keys.signing().orElseThrow(), keys.verifying());
        assertThat(CheckpointNote.verified(note, verifyOnly.verifying())).map(CheckpointNote::size).contains(3L);
        assertThat(CheckpointNote.verified(note.replace("\n3\n", "\n4\n"), verifyOnly.verifying())).isEmpty();
        assertThat(CheckpointNote.verified(note.replace("index 9", "index 8"), verifyOnly.verifying())).isEmpty();
    }

    @Test
    void givenKeysOfTwoPairs_whenLoaded_thenTheStartFails() {
        CheckpointKeyFiles one = CheckpointKeyFiles.generate(work.resolve("one"));
        CheckpointKeyFiles other = CheckpointKeyFiles.generate(work.resolve("other"));

        assertThatThrownBy(() -> CheckpointKeys.load(settings(one.privateKey(), other.publicKey())))
                .hasMessageContaining("does not belong");
    }

    @Test
    void givenNoKey_whenLoaded_thenNone() throws Exception {
        assertThat(CheckpointKeys.load(settings(null, null))).isEmpty();
        Path garbage = Files.writeString(work.resolve("garbage.pem"), "not a key");
        assertThatThrownBy(() -> CheckpointKeys.load(settings(garbage, null))).hasMessageContaining("PEM");
    }
}
