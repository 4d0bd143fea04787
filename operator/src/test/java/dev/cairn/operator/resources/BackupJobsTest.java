package dev.cairn.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVBackupSpec;
import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

/** The two Jobs of a KVBackup: one attempt at saving it, and the removal of its file once it is deleted. */
class BackupJobsTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");
    private final KVBackup backup = backup();
    private final BackupLocation location = BackupLocation.ofBackup("demo-backups", "nightly");

    @Test
    void anAttemptSavesASnapshotOntoTheClaimOnceAndReportsItOnStandardOutput() {
        Job job = DesiredBackupJob.of(backup, cluster, location, 3);

        assertThat(job.getMetadata().getName()).isEqualTo("nightly-3");
        assertOwnedAndLabelled(job);
        assertThat(job.getMetadata().getOwnerReferences().get(0).getBlockOwnerDeletion()).isTrue();
        assertThat(job.getSpec().getBackoffLimit()).as("one Job, one attempt").isZero();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).singleElement().satisfies(save -> {
            assertThat(save.getName()).isEqualTo(DesiredBackupJob.CONTAINER);
            assertThat(save.getImage()).isEqualTo(DesiredStatefulSet.image(cluster.getSpec()));
            assertThat(save.getCommand()).containsExactly("kvnode");
            assertThat(save.getArgs()).startsWith("snapshot", "save").contains("--write-out=json")
                    .endsWith("/var/lib/cairn/backups/nightly.db");
        });
        assertMountsTheClaim(pod);
    }

    @Test
    void theDeletionRemovesTheFileWithTheImageThatSavedIt() {
        Job job = DesiredBackupDeletionJob.of(backup, "cairn/kvnode:0.1.0", location);

        assertThat(job.getMetadata().getName()).isEqualTo("nightly-delete");
        assertOwnedAndLabelled(job);
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).singleElement().satisfies(delete -> {
            assertThat(delete.getImage()).isEqualTo("cairn/kvnode:0.1.0");
            assertThat(delete.getCommand()).containsExactly("rm");
            assertThat(delete.getArgs()).containsExactly("-f", "/var/lib/cairn/backups/nightly.db");
        });
        assertMountsTheClaim(pod);
    }

    private void assertOwnedAndLabelled(Job job) {
        assertThat(job.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("KVBackup");
            assertThat(owner.getName()).isEqualTo("nightly");
            assertThat(owner.getController()).isTrue();
        });
        assertThat(job.getMetadata().getLabels()).containsEntry(DesiredBackupJob.BACKUP_LABEL, "nightly");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(DesiredBackupJob.BACKUP_LABEL, "nightly");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    private static void assertMountsTheClaim(PodSpec pod) {
        assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement()
                .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo(BackupLocation.MOUNT));
        assertThat(pod.getVolumes()).singleElement().satisfies(volume -> assertThat(
                volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("demo-backups"));
    }

    private static KVBackup backup() {
        KVBackup backup = new KVBackup();
        backup.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace("prod").withUid("uid-1")
                .build());
        KVBackupSpec spec = new KVBackupSpec();
        spec.setClusterName("demo");
        backup.setSpec(spec);
        return backup;
    }
}
