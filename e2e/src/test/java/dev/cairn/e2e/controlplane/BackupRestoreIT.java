package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.e2e.bench.BulkLoad;
import dev.cairn.kvnode.proto.etcdserverpb.HashKVRequest;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.testing.OneShotChannel;
import dev.cairn.kvnode.testing.linearizability.ClusterHistoryRecorder;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel;
import dev.cairn.kvnode.testing.linearizability.Operation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup and restore runbook of docs/operations.md on the local control plane, with the samples users apply: a
 * 3-member cluster loaded with 100,000 keys, a KVBackup taken while clients keep writing, then a new cluster
 * bootstrapped from that backup — whose every key and value must be the source cluster's at the backup's revision,
 * read from the source itself, whose revision must be that revision, and whose every member must hash its store
 * (HashKV) at that revision as the source does.
 *
 * <p>The operator learns a backup's size, revision and checksum from the Job pod's log, read through the API server
 * ({@link PodLogs}); the Job and the restoring init containers meet on the backup claim, one directory of the
 * kubelet. Values are random from a seed, printed; replay with {@code -Dbackup.seed=<n>}, fewer keys with
 * {@code -Dbackup.keys=<n>}. Timings are printed as {@code [timing]} lines (docs/benchmarks.md); nothing asserts a
 * duration.
 */
class BackupRestoreIT {

    private static final long SEED = Long.getLong("backup.seed", new Random().nextLong());
    private static final int KEYS = Integer.getInteger("backup.keys", 100_000);
    private static final int VALUE_BYTES = 100;
    private static final String NAMESPACE = "backups";
    private static final String SOURCE = "example";
    private static final String BACKUP = "example-before-upgrade";
    private static final String RESTORED = "example-restored";
    private static final Duration STEP = Duration.ofMinutes(Long.getLong("cp.step-minutes", 5));

    private static ScenarioControlPlane scenario;

    @BeforeAll
    static void startControlPlane() {
        // Neither the demo's subnet nor LocalControlPlaneIT's.
        scenario = ScenarioControlPlane.start("127.44.0", NAMESPACE);
        System.out.println("[control-plane] value seed " + SEED + " (replay with -Dbackup.seed=" + SEED + ")");
    }

    @AfterAll
    static void stopControlPlane() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void aBackupTakenUnderLoadRestoresTheSourcesKeysAndValuesAtItsRevision() throws Exception {
        KVClusterProbe source = scenario.probe(SOURCE);
        long created = System.nanoTime();
        scenario.create("kvcluster.yaml", SOURCE);
        ScenarioControlPlane.awaitReady(source, 3, "the source's 3 members Ready", STEP);
        ScenarioControlPlane.timing("apply to Ready, 3 members", created);

        // Through the leader: a follower would only pass every transaction on to it.
        String leader = await("a leader").atMost(STEP).until(source::leader, Optional::isPresent)
                .map(pod -> "http://" + pod.getStatus().getPodIP() + ":2379").orElseThrow();
        long loadNanos = bulkLoad(leader);
        System.out.printf("[timing] bulk load of %,d keys (%d-byte values, 128 puts per txn): %.1f s, %,.0f keys/s%n",
                KEYS, VALUE_BYTES, loadNanos / 1e9, KEYS * 1e9 / loadNanos);

        // The backup, while two clients keep reading and writing.
        long backupCreated;
        long backupDone;
        Map<String, Object> status;
        List<Operation<EtcdKvModel.Request, EtcdKvModel.Reply>> history;
        try (ClusterHistoryRecorder clients = new ClusterHistoryRecorder(source::clientUrls, SEED)) {
            clients.start(2);
            await("the clients' first answers").atMost(STEP).until(() -> clients.acknowledged() >= 50);
            backupCreated = System.nanoTime();
            scenario.create("kvbackup.yaml", BACKUP);
            status = await("KVBackup " + BACKUP + " Succeeded or Failed").atMost(STEP)
                    .pollInterval(Duration.ofMillis(200))
                    .until(BackupRestoreIT::backupStatus,
                            s -> "Succeeded".equals(s.get("phase")) || "Failed".equals(s.get("phase")));
            backupDone = System.nanoTime();
            history = clients.stop();
        }
        assertThat(status.get("phase")).as("KVBackup status %s", status).isEqualTo("Succeeded");
        long size = ((Number) status.get("size")).longValue();
        long revision = ((Number) status.get("revision")).longValue();
        assertThat(size).as("size").isPositive();
        assertThat(revision).as("revision").isPositive();
        assertThat((String) status.get("checksum")).as("checksum").matches("[0-9a-f]{64}");
        AcknowledgedWrites writes = new AcknowledgedWrites(history);
        List<AcknowledgedWrites.Write> during = writes.between(backupCreated, backupDone);
        assertThat(during).as("writes acknowledged while the backup ran").isNotEmpty();
        assertThat(writes.between(backupCreated, Long.MAX_VALUE)).as("writes after the backup's revision %d",
                revision).anyMatch(write -> write.revision() > revision);
        long statusSeconds = Duration.between(Instant.parse((String) status.get("startTime")),
                Instant.parse((String) status.get("completionTime"))).toSeconds();
        double megabytes = size / 1e6;
        System.out.printf("[timing] backup of %,d keys under load (%d writes acknowledged meanwhile), %.1f MB at "
                + "revision %d: KVBackup startTime to completionTime %d s (whole seconds), %s%n", KEYS, during.size(),
                megabytes, revision, statusSeconds,
                statusSeconds == 0 ? "under 1 s" : "%.1f MB/s".formatted(megabytes / statusSeconds));
        double seen = (backupDone - backupCreated) / 1e9;
        System.out.printf("[timing] backup: KVBackup created to Succeeded seen: %.1f s, %.1f MB/s%n", seen,
                megabytes / seen);

        KVClusterProbe restored = scenario.probe(RESTORED);
        long restoreApplied = System.nanoTime();
        scenario.create("kvcluster-restore.yaml", RESTORED);
        ScenarioControlPlane.awaitReady(restored, 3, "the restored cluster's 3 members Ready", STEP);
        ScenarioControlPlane.timing("restore of %,d keys (%.1f MB): apply to Ready, 3 members".formatted(KEYS,
                megabytes), restoreApplied);

        long compared = System.nanoTime();
        long[] restoredRevision = new long[1];
        KeyspaceComparison.Result result = OneShotChannel.call(source.clientUrls().get(0), sourceChannel ->
                OneShotChannel.call(restored.clientUrls().get(0), restoredChannel -> {
                    KeyspacePages actual = new KeyspacePages(KVGrpc.newBlockingStub(restoredChannel), 0, 10_000);
                    KeyspaceComparison.Result outcome = KeyspaceComparison.compare(
                            new KeyspacePages(KVGrpc.newBlockingStub(sourceChannel), revision, 10_000), actual, 10);
                    restoredRevision[0] = actual.revision();
                    return outcome;
                }));
        ScenarioControlPlane.timing("key-by-key comparison of %,d keys".formatted(result.expected()), compared);
        assertThat(result.same()).as("the restored cluster against the source at revision %d (seed %d, replay with "
                + "-Dbackup.seed=%d): %s", revision, SEED, SEED, result).isTrue();
        assertThat(result.expected()).as("keys at the backup's revision").isGreaterThanOrEqualTo(KEYS);
        assertThat(restoredRevision[0]).as("the restored cluster's revision").isEqualTo(revision);
        // Every member, not only the one read: etcd's hash of the store's history up to the revision.
        long sourceHash = hashAt(source.clientUrls().get(0), revision);
        assertThat(restored.clientUrls()).hasSize(3).allSatisfy(url -> assertThat(hashAt(url, revision))
                .as("HashKV at revision %d of %s, the source's is %d", revision, url, sourceHash)
                .isEqualTo(sourceHash));
    }

    private static long hashAt(String url, long revision) {
        return OneShotChannel.call(url, channel -> MaintenanceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .hashKV(HashKVRequest.newBuilder().setRevision(revision).build()).getHash());
    }

    /** Loads {@link #KEYS} keys through one member; returns the nanoseconds it took. */
    private static long bulkLoad(String url) throws InterruptedException {
        URI uri = URI.create(url);
        ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try {
            return BulkLoad.load(KVGrpc.newFutureStub(channel), KEYS,
                    i -> ByteString.copyFromUtf8("bulk/%06d".formatted(i)), BackupRestoreIT::value, 128, 32, 300);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Key {@code i}'s value: its number, then letters from the seed, so a value found under another key shows. */
    private static ByteString value(int i) {
        Random random = new Random(SEED * 31 + i);
        StringBuilder value = new StringBuilder(VALUE_BYTES).append(i).append(':');
        while (value.length() < VALUE_BYTES) {
            value.append((char) ('a' + random.nextInt(26)));
        }
        return ByteString.copyFromUtf8(value.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> backupStatus() {
        GenericKubernetesResource backup = scenario.resources("KVBackup").inNamespace(NAMESPACE).withName(BACKUP)
                .get();
        Object status = backup == null ? null : backup.get("status");
        return status == null ? Map.of() : (Map<String, Object>) status;
    }
}
