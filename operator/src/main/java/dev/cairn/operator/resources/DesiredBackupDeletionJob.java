package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVBackup;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * The Job that removes a deleted KVBackup's file from its claim: {@code rm -f <file>} in the image that saved it,
 * with the claim mounted. Like the backup Job it uses nothing but its command, arguments and volume. Owned by the
 * KVBackup, so the garbage collector removes it once the KVBackup is gone.
 */
public final class DesiredBackupDeletionJob {

    public static final String CONTAINER = "delete-file";

    private DesiredBackupDeletionJob() {
    }

    public static String name(KVBackup backup) {
        return backup.getMetadata().getName() + "-delete";
    }

    public static Job of(KVBackup backup, String image, BackupLocation location) {
        return BackupClaimJob.of(backup, name(backup),
                new BackupClaimJob.Container(CONTAINER, image, List.of("rm"), List.of("-f", location.mountedPath())),
                new BackupClaimJob.Limits(2, 600L), location, false);
    }
}
