package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.BackupPhase;
import dev.cairn.operator.api.BackupSource;
import dev.cairn.operator.api.BootstrapSpec;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVBackupSpec;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.reconcile.fake.FakeBackupJobLogs;
import dev.cairn.operator.reconcile.fake.TestJobRunner;
import dev.cairn.operator.reconcile.fake.TestJobRunner.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * A new KVCluster with {@code spec.bootstrap.fromBackup}: its members' pods restore the backup in an init container
 * before kvnode starts, and the bootstrap waits for a named backup that has not succeeded.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RestoreFromBackupTest {

    private static final String NAMESPACE = "cairn-restore";

    @Inject
    KubernetesClient client;

    @Inject
    FakeBackupJobLogs logs;

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
    }

    private KVCluster restoredCluster(String name, BackupSource source) {
        KVCluster cluster = TestClusters.valid(name, NAMESPACE);
        BootstrapSpec bootstrap = new BootstrapSpec();
        bootstrap.setFromBackup(source);
        cluster.getSpec().setBootstrap(bootstrap);
        return client.resource(cluster).create();
    }

    private static BackupSource named(String backup) {
        BackupSource source = new BackupSource();
        source.setBackupName(backup);
        return source;
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    }

    private Condition progressing(String cluster) {
        KVClusterStatus status = client.resources(KVCluster.class).inNamespace(NAMESPACE).withName(cluster).get()
                .getStatus();
        return status == null ? null : status.getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType())).findFirst().orElse(null);
    }

    @Test
    void membersOfARestoredClusterRestoreTheBackupBeforeKvnodeStarts() {
        client.resource(TestClusters.valid("origin", NAMESPACE)).create();
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "origin", logs, job -> Outcome.printed(
                "{\"location\":\"/var/lib/cairn/backups/origin-1.db\",\"size\":4128,\"revision\":3,\"hash\":1,"
                        + "\"totalKey\":3,\"sha256\":\"00\"}\n"))) {
            KVBackup backup = new KVBackup();
            backup.setMetadata(new ObjectMetaBuilder().withName("origin-1").withNamespace(NAMESPACE).build());
            KVBackupSpec spec = new KVBackupSpec();
            spec.setClusterName("origin");
            backup.setSpec(spec);
            client.resource(backup).create();
            eventually().until(() -> {
                KVBackup stored = client.resources(KVBackup.class).inNamespace(NAMESPACE).withName("origin-1").get();
                return stored.getStatus() != null && stored.getStatus().getPhase() == BackupPhase.Succeeded;
            });
        }

        restoredCluster("copy", named("origin-1"));

        StatefulSet statefulSet = eventually().until(() -> statefulSet("copy"), s -> s != null);
        PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(restore -> {
            assertThat(restore.getName()).isEqualTo("restore");
            assertThat(restore.getImage()).isEqualTo("cairn/kvnode:0.1.0");
            assertThat(restore.getCommand()).containsExactly("kvnode");
            assertThat(restore.getArgs()).containsExactly("snapshot", "restore",
                    "/var/lib/cairn/backups/origin-1.db",
                    "--name=$(POD_NAME)",
                    "--data-dir=/var/lib/kvnode/data",
                    "--initial-cluster=copy-0=http://copy-0.copy-peer.cairn-restore.svc:2380,"
                            + "copy-1=http://copy-1.copy-peer.cairn-restore.svc:2380,"
                            + "copy-2=http://copy-2.copy-peer.cairn-restore.svc:2380",
                    "--initial-cluster-token=cairn-restore-copy",
                    "--initial-advertise-peer-urls=http://$(POD_NAME).copy-peer.$(POD_NAMESPACE).svc:2380",
                    "--skip-if-member-exists");
            assertThat(restore.getVolumeMounts()).extracting(m -> m.getName() + ":" + m.getMountPath() + ":"
                            + Boolean.TRUE.equals(m.getReadOnly()))
                    .containsExactly("data:/var/lib/kvnode:false", "backup:/var/lib/cairn/backups:true");
        });
        assertThat(pod.getVolumes()).singleElement().satisfies(volume -> {
            assertThat(volume.getName()).isEqualTo("backup");
            assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("origin-backups");
            assertThat(volume.getPersistentVolumeClaim().getReadOnly()).isTrue();
        });
        // The members' own flags are those of any new cluster: the restored data directory is what differs.
        Container kvnode = pod.getContainers().get(0);
        assertThat(kvnode.getArgs()).contains("--initial-cluster-state=new", "--initial-cluster-token=cairn-restore-copy");
    }

    @Test
    void aClusterFromALocationRestoresThatFile() {
        BackupSource source = new BackupSource();
        source.setLocation("pvc://archive/2026/old-cluster.db");

        restoredCluster("from-file", source);

        StatefulSet statefulSet = eventually().until(() -> statefulSet("from-file"), s -> s != null);
        PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement()
                .satisfies(c -> assertThat(c.getArgs().get(2)).isEqualTo("/var/lib/cairn/backups/2026/old-cluster.db"));
        assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("archive");
    }

    @Test
    void theBootstrapWaitsForANamedBackupThatHasNotSucceeded() {
        restoredCluster("patient", named("not-yet"));

        eventually().until(() -> progressing("patient") != null
                && progressing("patient").getMessage().contains("not-yet"));

        assertThat(statefulSet("patient")).isNull();
        assertThat(progressing("patient").getMessage()).contains("KVBackup not-yet to restore (not found)");
    }
}
