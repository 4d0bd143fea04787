package dev.cairn.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.BackupPhase;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVBackupSpec;
import dev.cairn.operator.api.KVBackupStatus;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.ScheduledBackupSpec;
import dev.cairn.operator.reconcile.fake.FakeBackupJobLogs;
import dev.cairn.operator.reconcile.fake.TestBackupClock;
import dev.cairn.operator.reconcile.fake.TestJobRunner;
import dev.cairn.operator.reconcile.fake.TestJobRunner.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * KVBackups on the mock API server: a test Job runner plays the Job controller and the kubelet, and says what each
 * Job's {@code kvnode snapshot save --write-out=json} printed. The test profile retries after 300 ms, then 600 ms,
 * and gives up after three attempts. Every test uses its own cluster name.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class KVBackupReconcilerTest {

    private static final String NAMESPACE = "cairn-backup";
    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Inject
    KubernetesClient client;

    @Inject
    FakeBackupJobLogs logs;

    @Inject
    TestBackupClock clock;

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100));
    }

    /** What kvnode prints: its log records on standard error, then the report on standard output. */
    private static Outcome saved(Job job, long revision) {
        String file = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().get(4);
        return Outcome.printed("2026-12-06T04:00:00Z INFO  snapshot sending snapshot revision=" + revision + "\n"
                + "{\"location\":\"" + file + "\",\"size\":20512,\"revision\":" + revision
                + ",\"hash\":123,\"totalKey\":7,\"sha256\":\"" + SHA256 + "\"}\n");
    }

    private static Outcome unavailable() {
        return Outcome.failed("Error: snapshot from backup-client.cairn-backup.svc:2379 failed: UNAVAILABLE: io"
                + " exception\n");
    }

    private KVCluster cluster(String name, Consumer<KVCluster> spec) {
        KVCluster cluster = TestClusters.valid(name, NAMESPACE);
        spec.accept(cluster);
        return client.resource(cluster).create();
    }

    private KVBackup backup(String name, String clusterName) {
        KVBackup backup = new KVBackup();
        backup.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        KVBackupSpec spec = new KVBackupSpec();
        spec.setClusterName(clusterName);
        backup.setSpec(spec);
        return client.resource(backup).create();
    }

    private KVBackupStatus status(String backup) {
        KVBackup stored = client.resources(KVBackup.class).inNamespace(NAMESPACE).withName(backup).get();
        return stored == null || stored.getStatus() == null ? new KVBackupStatus() : stored.getStatus();
    }

    private static Condition condition(KVBackupStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void oneShotBackupRunsKvnodeSnapshotSaveAndRecordsWhatItReported() {
        cluster("solo", c -> { });
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "solo", logs, job -> saved(job, 42))) {
            backup("solo-before-upgrade", "solo");

            eventually().until(() -> status("solo-before-upgrade").getPhase() == BackupPhase.Succeeded);

            KVBackupStatus status = status("solo-before-upgrade");
            assertThat(status.getSize()).isEqualTo(20512);
            assertThat(status.getRevision()).isEqualTo(42);
            assertThat(status.getChecksum()).isEqualTo(SHA256);
            assertThat(status.getLocation()).isEqualTo("pvc://solo-backups/solo-before-upgrade.db");
            assertThat(status.getAttempts()).isEqualTo(1);
            assertThat(status.getReason()).isNull();
            assertThat(Instant.parse(status.getStartTime())).isBeforeOrEqualTo(Instant.parse(
                    status.getCompletionTime()));
            assertThat(condition(status, "Complete").getStatus()).isEqualTo("True");
            assertThat(condition(status, "Failed").getStatus()).isEqualTo("False");

            Job job = jobs.jobs().get(0);
            assertThat(job.getMetadata().getName()).isEqualTo("solo-before-upgrade-1");
            assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("KVBackup"));
            assertThat(job.getSpec().getBackoffLimit()).isZero();
            Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).isEqualTo("cairn/kvnode:0.1.0");
            assertThat(container.getCommand()).containsExactly("kvnode");
            assertThat(container.getArgs()).containsExactly("snapshot", "save",
                    "--endpoints=solo-client.cairn-backup.svc:2379", "--write-out=json",
                    "/var/lib/cairn/backups/solo-before-upgrade.db");
            assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).singleElement()
                    .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("solo-backups"));
            PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(NAMESPACE)
                    .withName("solo-backups").get();
            assertThat(claim).isNotNull();
            assertThat(claim.getMetadata().getOwnerReferences()).isNullOrEmpty();
        }
    }

    @Test
    void aFailedAttemptIsRecordedWithItsReasonAndRetriedAfterADoublingBackOff() {
        cluster("flaky", c -> { });
        AtomicInteger runs = new AtomicInteger();
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "flaky", logs,
                job -> runs.incrementAndGet() <= 2 ? unavailable() : saved(job, 7))) {
            backup("flaky-1", "flaky");

            eventually().until(() -> status("flaky-1").getPhase() == BackupPhase.Succeeded);

            assertThat(jobs.jobs()).extracting(j -> j.getMetadata().getName())
                    .containsExactly("flaky-1-1", "flaky-1-2", "flaky-1-3");
            // 300 ms after the first failure, 600 ms after the second.
            assertThat(Duration.between(jobs.finishedAt("flaky-1-1"), jobs.createdAt("flaky-1-2")))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(Duration.between(jobs.finishedAt("flaky-1-2"), jobs.createdAt("flaky-1-3")))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
            KVBackupStatus status = status("flaky-1");
            assertThat(status.getAttempts()).isEqualTo(3);
            assertThat(status.getRevision()).isEqualTo(7);
            assertThat(status.getReason()).isNull();
        }
    }

    @Test
    void whileRetryingTheStatusSaysWhyAndWhen() {
        cluster("waits", c -> { });
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "waits", logs, job -> unavailable())) {
            backup("waits-1", "waits");

            eventually().until(() -> status("waits-1").getPhase() == BackupPhase.Retrying);

            KVBackupStatus status = status("waits-1");
            assertThat(status.getReason()).isEqualTo("attempt 1 of 3 failed: Error: snapshot from"
                    + " backup-client.cairn-backup.svc:2379 failed: UNAVAILABLE: io exception");
            assertThat(status.getNextAttemptTime()).isNotNull();
            assertThat(condition(status, "Failed").getStatus()).isEqualTo("False");
            assertThat(condition(status, "Failed").getReason()).isEqualTo("Retrying");
        }
    }

    @Test
    void whenEveryAttemptFailsTheBackupFailsForGoodNamingTheLastReason() {
        cluster("broken", c -> { });
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "broken", logs, job -> unavailable())) {
            backup("broken-1", "broken");

            eventually().until(() -> status("broken-1").getPhase() == BackupPhase.Failed);

            KVBackupStatus status = status("broken-1");
            assertThat(status.getAttempts()).isEqualTo(3);
            assertThat(status.getReason()).startsWith("attempt 3 of 3 failed: Error: snapshot from");
            assertThat(status.getNextAttemptTime()).isNull();
            assertThat(status.getCompletionTime()).isNotNull();
            assertThat(condition(status, "Failed").getStatus()).isEqualTo("True");
            assertThat(condition(status, "Failed").getReason()).isEqualTo("AttemptsExhausted");
            // No fourth Job, ever.
            eventually().during(Duration.ofSeconds(2)).until(() -> jobs.jobs().size() == 3);
        }
    }

    @Test
    void deletingABackupDeletesItsFileFirst() {
        cluster("tidy", c -> { });
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "tidy", logs, job -> saved(job, 5))) {
            backup("tidy-1", "tidy");
            eventually().until(() -> status("tidy-1").getPhase() == BackupPhase.Succeeded);

            client.resources(KVBackup.class).inNamespace(NAMESPACE).withName("tidy-1").delete();

            eventually().until(() -> client.resources(KVBackup.class).inNamespace(NAMESPACE).withName("tidy-1")
                    .get() == null);
            assertThat(jobs.deletions()).singleElement().satisfies(job -> {
                assertThat(job.getMetadata().getName()).isEqualTo("tidy-1-delete");
                Container rm = job.getSpec().getTemplate().getSpec().getContainers().get(0);
                assertThat(rm.getImage()).isEqualTo("cairn/kvnode:0.1.0");
                assertThat(rm.getCommand()).containsExactly("rm");
                assertThat(rm.getArgs()).containsExactly("-f", "/var/lib/cairn/backups/tidy-1.db");
                assertThat(job.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim()
                        .getClaimName()).isEqualTo("tidy-backups");
            });
        }
    }

    @Test
    void aNameTooLongForItsJobsFailsAtOnce() {
        String name = "long-" + "x".repeat(60);
        backup(name, "solo");

        eventually().until(() -> status(name).getPhase() == BackupPhase.Failed);

        assertThat(status(name).getReason()).startsWith("metadata.name: at most 56 characters");
        assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).withLabel("kv.cairn.dev/backup", name).list()
                .getItems()).isEmpty();
    }

    @Test
    void aBackupOfAClusterThatDoesNotExistWaitsAndSaysSo() {
        backup("ghost-1", "ghost");

        eventually().until(() -> status("ghost-1").getReason() != null);

        assertThat(status("ghost-1").getPhase()).isEqualTo(BackupPhase.Pending);
        assertThat(status("ghost-1").getReason()).isEqualTo("KVCluster ghost not found in cairn-backup");
    }

    private List<KVBackup> scheduledBackups(String clusterName) {
        return client.resources(KVBackup.class).inNamespace(NAMESPACE)
                .withLabel(BackupScheduleReconciler.SCHEDULED_BY, clusterName).list().getItems();
    }

    @Test
    void theScheduleCreatesABackupPerTickAndKeepsTheRetentionsCount() {
        // The clock stands still from before the cluster's creation, so no tick falls between that and "now" until
        // the test moves the clock to one: the real minute turning during the test must not add a backup.
        clock.stop();
        try (TestJobRunner jobs = new TestJobRunner(client, NAMESPACE, "nightly", logs, job -> saved(job, 9))) {
            KVCluster created = cluster("nightly", c -> {
                ScheduledBackupSpec schedule = new ScheduledBackupSpec();
                schedule.setSchedule("* * * * *");
                schedule.setRetention(2);
                c.getSpec().setBackup(schedule);
            });
            // Not at once: the first tick after the cluster's creation is the first backup.
            eventually().during(Duration.ofSeconds(3)).until(() -> scheduledBackups("nightly").isEmpty());

            Instant firstTick = Instant.parse(created.getMetadata().getCreationTimestamp())
                    .truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            for (int tick = 1; tick <= 4; tick++) {
                clock.setTo(firstTick.plus(Duration.ofMinutes(tick - 1)).plusSeconds(1));
                int expected = Math.min(tick, 2);
                int made = tick;
                eventually().until(() -> jobs.jobs().size() == made
                        && scheduledBackups("nightly").size() == expected
                        && scheduledBackups("nightly").stream()
                                .allMatch(b -> b.getStatus() != null
                                        && b.getStatus().getPhase() == BackupPhase.Succeeded));
            }

            List<String> kept = scheduledBackups("nightly").stream().map(b -> b.getMetadata().getName()).sorted()
                    .toList();
            List<String> made = jobs.jobs().stream().map(j -> j.getMetadata().getName().replaceFirst("-1$", ""))
                    .sorted().toList();
            assertThat(made).hasSize(4).allMatch(name -> name.matches("nightly-\\d{8}-\\d{4}"));
            assertThat(kept).containsExactlyElementsOf(made.subList(2, 4));
            // The pruned backups' files went with them.
            assertThat(jobs.deletions()).extracting(j -> j.getSpec().getTemplate().getSpec().getContainers().get(0)
                            .getArgs())
                    .containsExactlyInAnyOrder(
                            List.of("-f", "/var/lib/cairn/backups/" + made.get(0) + ".db"),
                            List.of("-f", "/var/lib/cairn/backups/" + made.get(1) + ".db"));
        } finally {
            clock.resume();
        }
    }
}
