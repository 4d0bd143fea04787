package dev.cairn.operator.api;

/** Where a KVBackup stands. Succeeded and Failed are final: a backup is never taken twice. */
public enum BackupPhase {
    /** Accepted; no Job has run yet (or the cluster to back up does not exist yet). */
    Pending,
    /** A Job is saving the snapshot. */
    Running,
    /** The last attempt failed; the next one starts at {@code status.nextAttemptTime}. */
    Retrying,
    /** The file is on the volume; size, revision, checksum and location are set. */
    Succeeded,
    /** Every attempt failed; {@code status.reason} says why the last one did. */
    Failed
}
