package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVBackup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

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
        Map<String, String> labels = KvnodeLabels.backup(backup.getSpec().getClusterName());
        labels.put(DesiredBackupJob.BACKUP_LABEL, backup.getMetadata().getName());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(name(backup))
                    .withNamespace(backup.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(backup.getApiVersion())
                            .withKind(backup.getKind())
                            .withName(backup.getMetadata().getName())
                            .withUid(backup.getMetadata().getUid())
                            .withController(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(2)
                    .withActiveDeadlineSeconds(600L)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withContainers(new ContainerBuilder()
                                    .withName(CONTAINER)
                                    .withImage(image)
                                    .withCommand(List.of("rm"))
                                    .withArgs(List.of("-f", location.mountedPath()))
                                    .withTerminationMessagePolicy("FallbackToLogsOnError")
                                    .addNewVolumeMount().withName(DesiredBackupJob.VOLUME)
                                        .withMountPath(BackupLocation.MOUNT).endVolumeMount()
                                    .build())
                            .addNewVolume().withName(DesiredBackupJob.VOLUME).withNewPersistentVolumeClaim()
                                .withClaimName(location.claimName()).endPersistentVolumeClaim()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }
}
