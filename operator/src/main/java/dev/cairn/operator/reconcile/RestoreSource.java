package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.BackupPhase;
import dev.cairn.operator.api.BackupSource;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.resources.BackupLocation;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * The backup file a new cluster restores ({@code spec.bootstrap.fromBackup}), resolved to a claim and a file: a
 * location as written, or the location of a KVBackup once it has succeeded. While a named KVBackup has not
 * succeeded (or is gone), the bootstrap waits: starting the cluster empty instead would be silent data loss.
 */
record RestoreSource(Optional<BackupLocation> location, String waitingFor) {

    static final RestoreSource NONE = new RestoreSource(Optional.empty(), null);

    boolean waiting() {
        return waitingFor != null;
    }

    static RestoreSource resolve(KubernetesClient client, KVCluster cluster) {
        BackupSource source = cluster.getSpec().getBootstrap() == null ? null
                : cluster.getSpec().getBootstrap().getFromBackup();
        if (source == null) {
            return NONE;
        }
        if (source.getLocation() != null && !source.getLocation().isBlank()) {
            return BackupLocation.parse(source.getLocation())
                    .map(location -> new RestoreSource(Optional.of(location), null))
                    .orElseGet(() -> waitingFor("a valid spec.bootstrap.fromBackup.location"));
        }
        String namespace = cluster.getMetadata().getNamespace();
        KVBackup backup = client.resources(KVBackup.class).inNamespace(namespace)
                .withName(source.getBackupName()).get();
        if (backup == null) {
            return waitingFor("KVBackup " + source.getBackupName() + " to restore (not found)");
        }
        if (backup.getStatus() == null || backup.getStatus().getPhase() != BackupPhase.Succeeded) {
            return waitingFor("KVBackup " + source.getBackupName() + " to succeed before restoring it");
        }
        return BackupLocation.parse(backup.getStatus().getLocation())
                .map(location -> new RestoreSource(Optional.of(location), null))
                .orElseGet(() -> waitingFor("KVBackup " + source.getBackupName() + " to report its location"));
    }

    private static RestoreSource waitingFor(String what) {
        return new RestoreSource(Optional.empty(), what);
    }
}
