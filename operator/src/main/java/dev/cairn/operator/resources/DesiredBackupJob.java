package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * The Job of one attempt of a KVBackup: the cluster's own kvnode image runs {@code kvnode snapshot save} against
 * the client Service and writes the file onto the backup claim.
 *
 * <p>The Job uses nothing but its command, arguments and volume, so any kubelet that runs a container as a
 * process runs it. What it reports travels the way every container's output does: {@code --write-out=json} makes
 * {@code snapshot save} print one JSON line (location, size, revision, hash, totalKey, sha256 of the verified file)
 * on standard output, which the operator reads from the pod's log once the Job succeeded. When it fails, its
 * error message is the last line of that log; {@code FallbackToLogsOnError} also puts it into the container's
 * termination message for {@code kubectl describe}.
 *
 * <p>{@code backoffLimit} 0: one Job is one attempt; the operator retries with its own back-off, so that the
 * attempts, their reasons and the next attempt's time show in the KVBackup's status.
 */
public final class DesiredBackupJob {

    public static final String CONTAINER = "snapshot-save";
    public static final String VOLUME = "backups";
    /** Labels the Job and its pod with the backup, so the operator finds the pod whose log holds the report. */
    public static final String BACKUP_LABEL = "kv.cairn.dev/backup";

    private DesiredBackupJob() {
    }

    /**
     * The longest KVBackup name whose Jobs' names still fit a label value (63 characters): the Job controller labels
     * each pod with its Job's name, and a longer one would make every pod of the Job fail to be created.
     */
    public static final int MAX_BACKUP_NAME = 63 - "-delete".length();

    /** {@code <backup>-<attempt>}: each attempt is a new Job, and the name says which. */
    public static String name(KVBackup backup, int attempt) {
        return backup.getMetadata().getName() + "-" + attempt;
    }

    public static Job of(KVBackup backup, KVCluster cluster, BackupLocation location, int attempt) {
        BackupClaimJob.Container save = new BackupClaimJob.Container(CONTAINER,
                DesiredStatefulSet.image(cluster.getSpec()), command(), args(ClusterAddresses.of(cluster), location));
        // A snapshot of a healthy cluster streams in seconds; an hour means something hangs.
        return BackupClaimJob.of(backup, name(backup, attempt), save, new BackupClaimJob.Limits(0, 3600L), location,
                true);
    }

    public static List<String> command() {
        return List.of("kvnode");
    }

    public static List<String> args(ClusterAddresses addresses, BackupLocation location) {
        return List.of("snapshot", "save",
                "--endpoints=" + addresses.clientServiceName() + "." + addresses.namespace() + ".svc:"
                        + KvnodePorts.CLIENT,
                "--write-out=json",
                location.mountedPath());
    }
}
