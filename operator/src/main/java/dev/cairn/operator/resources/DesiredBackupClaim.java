package dev.cairn.operator.resources;

import dev.cairn.operator.api.BackupStorage;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Objects;

/**
 * The claim backups are written to, when the operator has to create it. It has no owner: deleting a backup or a
 * cluster must not delete the files of the other backups on it.
 */
public final class DesiredBackupClaim {

    private DesiredBackupClaim() {
    }

    public static PersistentVolumeClaim of(String namespace, String claimName, String clusterName,
                                           BackupStorage storage) {
        BackupStorage effective = Objects.requireNonNullElseGet(storage, BackupStorage::new);
        String size = Objects.requireNonNullElse(effective.getSize(), BackupStorage.DEFAULT_SIZE);
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName(claimName)
                    .withNamespace(namespace)
                    .withLabels(KvnodeLabels.backup(clusterName))
                .endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(effective.getStorageClassName())
                    .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec()
                .build();
    }
}
