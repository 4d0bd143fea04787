package dev.cairn.operator.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Which scheduled backups to delete so that {@code retention} successful ones remain.
 *
 * <p>Invariants: the newest {@code retention} succeeded backups are never deleted, nor is a backup in flight; a
 * failed backup is kept only while it is newer than the oldest kept success and among the newest
 * {@code retention} failures, so that it stays visible for a while but a schedule that keeps failing does not pile
 * up objects. One-shot KVBackups (not made by the schedule) are never passed in, so never pruned.
 */
public final class BackupRetention {

    private BackupRetention() {
    }

    /** @return the names to delete, oldest first */
    public static List<String> prune(List<ScheduledBackupFacts> backups, int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1, got " + retention);
        }
        List<ScheduledBackupFacts> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparingLong(ScheduledBackupFacts::tick).reversed());
        List<String> delete = new ArrayList<>();
        int successes = 0;
        int failures = 0;
        for (ScheduledBackupFacts backup : newestFirst) {
            switch (backup.outcome()) {
                case IN_FLIGHT -> { }
                case SUCCEEDED -> {
                    successes++;
                    if (successes > retention) {
                        delete.add(backup.name());
                    }
                }
                case FAILED -> {
                    failures++;
                    if (successes >= retention || failures > retention) {
                        delete.add(backup.name());
                    }
                }
            }
        }
        Collections.reverse(delete);
        return delete;
    }
}
