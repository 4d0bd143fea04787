package dev.cairn.operator.reconcile;

import java.time.Instant;

/** The time the backup reconcilers go by: when a scheduled backup is due, when the next attempt may start. */
public interface BackupClock {

    Instant now();
}
