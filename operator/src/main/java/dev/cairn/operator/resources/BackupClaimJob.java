package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVBackup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import java.util.Map;

/**
 * What every Job of a KVBackup shares: owned by the KVBackup (the garbage collector removes it with it), labelled
 * with the cluster and the backup (so the operator finds its pod), one container that runs to completion with the
 * backup claim mounted, and nothing else — so any kubelet that runs a container as a process runs it.
 */
final class BackupClaimJob {

    /** The one container: its name, image, command and arguments. */
    record Container(String name, String image, List<String> command, List<String> args) {
    }

    /** How the Job retries its pod and how long it may run. */
    record Limits(int backoffLimit, long activeDeadlineSeconds) {
    }

    private BackupClaimJob() {
    }

    static Job of(KVBackup backup, String jobName, Container container, Limits limits, BackupLocation location,
            boolean blockOwnerDeletion) {
        Map<String, String> labels = KvnodeLabels.backup(backup.getSpec().getClusterName());
        labels.put(DesiredBackupJob.BACKUP_LABEL, backup.getMetadata().getName());
        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName)
                    .withNamespace(backup.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(backup.getApiVersion())
                            .withKind(backup.getKind())
                            .withName(backup.getMetadata().getName())
                            .withUid(backup.getMetadata().getUid())
                            .withController(true)
                            .withBlockOwnerDeletion(blockOwnerDeletion ? Boolean.TRUE : null)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(limits.backoffLimit())
                    .withActiveDeadlineSeconds(limits.activeDeadlineSeconds())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withContainers(new ContainerBuilder()
                                    .withName(container.name())
                                    .withImage(container.image())
                                    .withCommand(container.command())
                                    .withArgs(container.args())
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
