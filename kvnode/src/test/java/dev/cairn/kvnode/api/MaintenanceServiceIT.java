package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.mvcc.BackupFile;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.StoreImage;
import dev.cairn.kvnode.server.EtcdApiVersion;
import dev.cairn.kvnode.server.StorageOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetcd's Maintenance client against a kvnode on real sockets: status, hashes, backups, alarms, defragmentation. */
class MaintenanceServiceIT {
    /** MapDB starts a file at 2 MiB and grows it by 1 MiB: a 3 MiB quota is reached after about 1 MiB of values. */
    private static final long QUOTA = 3L * 1024 * 1024;
    private static final ByteSequence BIG = ByteSequence.from(new byte[20_000]);

    @TempDir
    Path dir;
    EmbeddedKvnode node;
    Client client;
    KV kv;
    Maintenance maintenance;
    String endpoint;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void statusReportsTheServedEtcdVersionAndThisMembersRaftState() throws Exception {
        start();
        long revision = kv.put(bytes("k"), bytes("v")).get().getHeader().getRevision();

        StatusResponse status = maintenance.statusMember(endpoint).get();

        assertThat(status.getVersion()).isEqualTo(EtcdApiVersion.SERVED);
        assertThat(status.getLeader()).isEqualTo(node.identity().memberId());
        assertThat(status.getRaftTerm()).isEqualTo(2);
        assertThat(status.getRaftIndex()).isGreaterThanOrEqualTo(3);
        assertThat(status.getDbSize()).isPositive();
        assertThat(status.getHeader().getRevision()).isEqualTo(revision);
        assertThat(status.getHeader().getMemberId()).isEqualTo(node.identity().memberId());
    }

    @Test
    void hashKvChangesWithWritesAndRefusesFutureAndCompactedRevisions() throws Exception {
        start();
        kv.put(bytes("a"), bytes("1")).get();
        long revision = kv.put(bytes("b"), bytes("2")).get().getHeader().getRevision();
        int atRevision = maintenance.hashKV(endpoint, revision).get().getHash();
        kv.put(bytes("c"), bytes("3")).get();

        assertThat(maintenance.hashKV(endpoint, revision).get().getHash()).as("a past revision hashes the same")
                .isEqualTo(atRevision);
        assertThat(maintenance.hashKV(endpoint, 0).get().getHash()).isNotEqualTo(atRevision);
        assertThat(maintenance.hashKV(endpoint, 0).get().getCompacted()).as("never compacted").isEqualTo(-1);
        assertError(() -> maintenance.hashKV(endpoint, 99).get(),
                "etcdserver: mvcc: required revision is a future revision");
        kv.compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build()).get();
        assertError(() -> maintenance.hashKV(endpoint, revision - 1).get(),
                "etcdserver: mvcc: required revision has been compacted");
        assertThat(maintenance.hashKV(endpoint, revision).get().getCompacted()).isEqualTo(revision);
    }

    @Test
    void aSnapshotIsAVerifiedBackupThatRestoresToTheSameKeys() throws Exception {
        start();
        for (int i = 0; i < 100; i++) {
            kv.put(bytes("key" + i), bytes("value" + i)).get();
        }
        long revision = kv.get(bytes("key0")).get().getHeader().getRevision();
        Path backup = dir.resolve("backup.db");

        long received;
        try (OutputStream out = Files.newOutputStream(backup)) {
            received = maintenance.snapshot(out).get();
        }

        assertThat(received).isEqualTo(Files.size(backup));
        BackupFile file = BackupFile.open(backup);
        assertThat(file.summarize().revision()).isEqualTo(revision);
        Path restored = dir.resolve("restored.db");
        try (InputStream image = file.openImage()) {
            StoreImage.restore(image, restored);
        }
        try (MvccStore store = MvccStore.open(restored)) {
            assertThat(store.range(KeyRange.single(com.google.protobuf.ByteString.copyFromUtf8("key42")), 0, 0,
                    false).kvs()).singleElement().satisfies(found ->
                    assertThat(found.getValue().toStringUtf8()).isEqualTo("value42"));
            assertThat(store.hash(0).hash()).isEqualTo(maintenance.hashKV(endpoint, 0).get().getHash());
        }
        assertThat(Files.list(dir.resolve("kvnode/member/backup-spool")).toList())
                .as("the spool is deleted once sent").isEmpty();
    }

    @Test
    void theNoSpaceRunbookFillAlarmCompactDefragDisarmWritesAgain() throws Exception {
        start();
        long memberId = node.identity().memberId();
        int stored = fillUntilNoSpace();
        assertThat(stored).as("the quota admits some writes first").isPositive();
        assertThat(maintenance.listAlarms().get().getAlarms()).singleElement().satisfies(alarm -> {
            assertThat(alarm.getMemberId()).isEqualTo(memberId);
            assertThat(alarm.getAlarmType()).isEqualTo(AlarmType.NOSPACE);
        });
        assertThat(kv.get(bytes("fill0")).get().getKvs()).as("reads still work").hasSize(1);

        long revision = kv.delete(bytes("fill"), DeleteOption.builder().isPrefix(true).build()).get().getHeader()
                .getRevision();
        kv.compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build()).get();
        long sizeBefore = maintenance.statusMember(endpoint).get().getDbSize();
        maintenance.defragmentMember(endpoint).get();
        long sizeAfter = maintenance.statusMember(endpoint).get().getDbSize();
        assertThat(sizeAfter).isLessThan(sizeBefore).isLessThan(QUOTA);
        assertError(() -> kv.put(bytes("small"), bytes("v")).get(), "etcdserver: mvcc: database space exceeded");

        assertThat(maintenance.alarmDisarm(new AlarmMember(memberId, AlarmType.NOSPACE)).get().getAlarms())
                .hasSize(1);

        assertThat(maintenance.listAlarms().get().getAlarms()).isEmpty();
        assertThat(kv.put(bytes("small"), bytes("v")).get().getHeader().getRevision()).isGreaterThan(revision);
    }

    @Test
    void anAlarmOutlivesARestart() throws Exception {
        start();
        fillUntilNoSpace();
        client.close();
        node.close();

        start();

        assertThat(maintenance.listAlarms().get().getAlarms()).extracting(AlarmMember::getAlarmType)
                .containsExactly(AlarmType.NOSPACE);
        assertThat(kv.delete(bytes("fill"), DeleteOption.builder().isPrefix(true).build()).get().getDeleted())
                .as("deletes still work under the alarm").isPositive();
    }

    @Test
    void moveLeaderRefusesATargetThatIsNotAVoterAndKeepsALeaderThatIsTheTarget() throws Exception {
        start();

        assertError(() -> maintenance.moveLeader(0x1234).get(), "etcdserver: bad leader transferee");
        maintenance.moveLeader(node.identity().memberId()).get();
        assertThat(maintenance.statusMember(endpoint).get().getLeader()).isEqualTo(node.identity().memberId());
    }

    /** Puts 20 kB values until the quota refuses one; returns how many were stored. */
    private int fillUntilNoSpace() throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            try {
                kv.put(bytes("fill" + i), BIG).get();
            } catch (ExecutionException e) {
                assertThat(e.getCause()).hasMessageContaining("etcdserver: mvcc: database space exceeded");
                return i;
            }
        }
        throw new AssertionError("1000 puts of 20 kB never reached a quota of " + QUOTA + " bytes");
    }

    private void start() throws IOException {
        node = EmbeddedKvnode.start(KvnodeConfig.singleMember("maintenance", dir.resolve("kvnode"), "127.0.0.1", 0,
                0, -1).withStorage(StorageOptions.DEFAULTS.withQuotaBackendBytes(QUOTA)));
        endpoint = "http://127.0.0.1:" + node.clientPort();
        client = Client.builder().endpoints(endpoint).build();
        kv = client.getKVClient();
        maintenance = client.getMaintenanceClient();
    }

    private static void assertError(ThrowingCallable call, String message) {
        assertThatThrownBy(call::call).isInstanceOf(ExecutionException.class).cause().hasMessageContaining(message);
    }

    private interface ThrowingCallable {
        Object call() throws Exception;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
