package org.openvdi.broker.recording.api;

/** Where a recording is in its life. */
public enum RecordingState {
    /** guacd is (or was told to be) writing it. */
    RECORDING,
    /** Complete, with its size and checksum: it can be played. */
    STORED,
    /** Its connection ended and no file appeared. */
    MISSING,
    /** Deleted, by retention or by an auditor. */
    DELETED
}
