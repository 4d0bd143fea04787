package dev.cairn.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The restore init container is part of a restored cluster's bootstrap template, and of nothing else. */
class RestoreInitContainerTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");
    private final Optional<BackupLocation> backup = BackupLocation.parse("pvc://demo-backups/demo-1.db");

    @Test
    void theBootstrapTemplateRestoresTheBackupAsEachMember() {
        StatefulSet statefulSet = DesiredStatefulSet.of(cluster, backup);

        var pod = statefulSet.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(restore -> assertThat(restore.getArgs())
                .startsWith("snapshot", "restore", "/var/lib/cairn/backups/demo-1.db", "--name=$(POD_NAME)")
                .contains("--initial-cluster-token=prod-demo", "--skip-if-member-exists"));
        assertThat(pod.getVolumes()).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue());
    }

    @Test
    void membersThatJoinAfterTheBootstrapStartEmpty() {
        StatefulSet statefulSet = DesiredStatefulSet.of(cluster, 4, InitialClusterState.EXISTING, backup);

        assertThat(statefulSet.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
        assertThat(statefulSet.getSpec().getTemplate().getSpec().getVolumes()).isEmpty();
    }

    @Test
    void theRestoreDoesNotChangeThePodTemplateRevision() {
        String plain = DesiredStatefulSet.of(cluster).getSpec().getTemplate().getMetadata().getAnnotations()
                .get(KvnodeAnnotations.POD_TEMPLATE_REVISION);
        String restored = DesiredStatefulSet.of(cluster, backup).getSpec().getTemplate().getMetadata()
                .getAnnotations().get(KvnodeAnnotations.POD_TEMPLATE_REVISION);
        String joined = DesiredStatefulSet.of(cluster, 3, InitialClusterState.EXISTING, backup).getSpec()
                .getTemplate().getMetadata().getAnnotations().get(KvnodeAnnotations.POD_TEMPLATE_REVISION);

        assertThat(restored).isEqualTo(plain).isEqualTo(joined);
    }

    @Test
    void locationsAreClaimAndFile() {
        assertThat(BackupLocation.parse("pvc://archive/2026/a.db"))
                .hasValue(new BackupLocation("archive", "2026/a.db"));
        assertThat(BackupLocation.parse("s3://bucket/a.db")).isEmpty();
        assertThat(BackupLocation.parse("pvc://archive/")).isEmpty();
        assertThat(BackupLocation.ofBackup("c-backups", "c-1").toString()).isEqualTo("pvc://c-backups/c-1.db");
    }
}
