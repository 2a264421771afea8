package org.openvdi.broker.recording.api;

/** Why a recording was deleted. */
public enum RecordingDeletionReason {
    /** It was older than {@code openvdi.recordings.retention}. */
    RETENTION,
    /** An auditor deleted it. */
    AUDITOR
}
