package org.openvdi.broker.recording;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Session recordings, as the broker sees them.
 *
 * @param directory     the recordings directory as the broker sees it: the same directory (or shared volume) guacd
 *                      writes into, which the gateway names to guacd as {@code openvdi.gateway.recording-path}
 * @param retention     how long a recording is kept after it was started; then it is deleted (an event)
 * @param scanInterval  how often unfinished recordings are looked for, and expired ones deleted
 * @param settle        how long a recording's file must stay unchanged, once its connection is over, before it is
 *                      taken as complete (guacd flushes and closes it when its connection ends)
 * @param missingAfter  how long after its connection is over a recording without a file is recorded as missing
 */
@ConfigurationProperties("openvdi.recordings")
public record RecordingSettings(@DefaultValue("data/recordings") Path directory,
                                @DefaultValue("P30D") Duration retention,
                                @DefaultValue("10s") Duration scanInterval,
                                @DefaultValue("5s") Duration settle,
                                @DefaultValue("5m") Duration missingAfter) {

    public RecordingSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("openvdi.recordings.retention must be positive, not " + retention);
        }
        if (scanInterval.isNegative() || scanInterval.isZero()) {
            throw new IllegalArgumentException("openvdi.recordings.scan-interval must be positive");
        }
        if (settle.isNegative() || missingAfter.isNegative()) {
            throw new IllegalArgumentException("openvdi.recordings.settle and missing-after must not be negative");
        }
    }
}
