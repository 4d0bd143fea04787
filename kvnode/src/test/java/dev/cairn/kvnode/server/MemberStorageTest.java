package dev.cairn.kvnode.server;

import static dev.cairn.kvnode.server.DurabilityScenarioTest.copyTree;
import static dev.cairn.kvnode.server.DurabilityScenarioTest.list;
import static dev.cairn.kvnode.server.TestMembers.bytes;
import static dev.cairn.kvnode.server.TestMembers.put;
import static dev.cairn.kvnode.server.TestMembers.readPrefix;
import static dev.cairn.kvnode.server.TestMembers.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.raft.MemoryStorage;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member's durable state: acknowledgement after fsync, snapshots, log release, restart and quota. */
class MemberStorageTest {
    @TempDir
    Path dir;

    /**
     * After a snapshot the log keeps the last entries for lagging followers — by count (etcd's rule) and by bytes,
     * so that large entries do not pin gigabytes on the heap.
     */
    @Test
    void theEntriesKeptAfterASnapshotAreBoundedByCountAndByBytes() {
        MemoryStorage log = new MemoryStorage();
        List<Entry> entries = new ArrayList<>();
        for (long index = 1; index <= 100; index++) {
            entries.add(new Entry(1, index, EntryType.NORMAL, new byte[10]));
        }
        log.append(entries);

        assertThat(MemberStorage.compactionPoint(log, 90, 20, 1_000)).as("20 entries kept").isEqualTo(70);
        assertThat(MemberStorage.compactionPoint(log, 90, 20, 55)).as("5 entries of 10 bytes fit in 55")
                .isEqualTo(85);
        assertThat(MemberStorage.compactionPoint(log, 90, 200, 10_000)).as("no more than the log holds")
                .isEqualTo(0);
        assertThat(MemberStorage.compactionPoint(log, 90, 0, 10_000)).as("none kept").isEqualTo(90);
    }

    @Test
    void aWriteIsNotAcknowledgedWhileTheFsyncThatMakesItDurableIsPending() throws Exception {
        try (Member member = TestMembers.start(dir.resolve("member"), StorageOptions.DEFAULTS)) {
            CountDownLatch syncEntered = new CountDownLatch(1);
            CountDownLatch releaseSync = new CountDownLatch(1);
            member.storage().setSyncListener(new MemberStorage.SyncListener() {
                @Override
                public void beforeSync(long lastIndex) {
                    syncEntered.countDown();
                    try {
                        releaseSync.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });

            CompletableFuture<?> write = member.kv().put(PutRequest.newBuilder().setKey(bytes("k"))
                    .setValue(bytes("v")).build());
            assertThat(syncEntered.await(10, TimeUnit.SECONDS)).as("the write reached the fsync").isTrue();
            assertThatThrownBy(() -> write.get(300, TimeUnit.MILLISECONDS))
                    .as("no acknowledgement while the fsync is held").isInstanceOf(TimeoutException.class);

            releaseSync.countDown();
            assertThat(write.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void underConcurrentLoadEveryAcknowledgedEntryIsAlreadySynced() throws Exception {
        try (Member member = TestMembers.start(dir.resolve("member"), StorageOptions.DEFAULTS)) {
            AtomicLong synced = new AtomicLong();
            member.storage().setSyncListener(new MemberStorage.SyncListener() {
                @Override
                public void afterSync(long lastIndex) {
                    synced.accumulateAndGet(lastIndex, Math::max);
                }
            });
            AtomicLong violations = new AtomicLong();
            AtomicLong acks = new AtomicLong();
            ExecutorService writers = Executors.newFixedThreadPool(16);
            for (int w = 0; w < 16; w++) {
                int writer = w;
                writers.execute(() -> {
                    for (int i = 0; i < 200; i++) {
                        member.kv().put(PutRequest.newBuilder().setKey(bytes("c/" + writer + "/" + i))
                                .setValue(bytes("v")).build()).thenRun(() -> {
                                    // The acknowledged entry is at or below the applied index, which must never
                                    // pass what is synced.
                                    long applied = member.node().appliedIndex();
                                    if (applied > synced.get()) {
                                        violations.incrementAndGet();
                                    }
                                    acks.incrementAndGet();
                                }).join();
                    }
                });
            }
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(acks.get()).isEqualTo(3200);
            assertThat(violations.get()).as("acknowledgements ahead of the fsync").isZero();
        }
    }

    @Test
    void snapshotsEverySnapshotCountReleaseWalSegmentsAndARestartKeepsEverything() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(100).withWalSegmentBytes(8 * 1024)
                .withMaxSnapshots(3);
        Map<String, String> written = new LinkedHashMap<>();
        long lastRevision = 0;
        int segmentsAtMost = 0;
        try (Member member = TestMembers.start(memberDir, options)) {
            for (int i = 0; i < 1000; i++) {
                lastRevision = put(member, "s/" + i, "value-" + i);
                written.put("s/" + i, "value-" + i);
                segmentsAtMost = Math.max(segmentsAtMost, walSegments(memberDir));
            }
        }
        // A snapshot still being written at the stop is saved but not yet counted by retention (that runs on the
        // node loop, which has stopped): at most one file beyond the limit.
        assertThat(list(MemberStorage.snapDir(memberDir))).as("only the newest 3 snapshots are kept")
                .hasSizeBetween(3, 4);
        assertThat(walSegments(memberDir)).as("segments below the snapshot were released")
                .isLessThan(segmentsAtMost + 1).isLessThanOrEqualTo(6);

        try (Member member = TestMembers.start(memberDir, options)) {
            assertThat(values(readPrefix(member, "s/"))).isEqualTo(written);
            assertThat(member.storage().store().currentRevision()).isEqualTo(lastRevision);
            assertThat(member.storage().snapshotIndex()).as("the log starts at the newest snapshot").isPositive();
        }
    }

    /**
     * Each snapshot copies the changes the previous one wrote instead of walking the backend again, and its image is
     * still byte for byte the one the backend alone gives; when the previous file was damaged since, the copy is
     * refused by its checksum and the image is written from the backend.
     */
    @Test
    void aSnapshotCopiesThePreviousOnesChangesUnlessThatFileWasDamaged() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(1_000_000);
        try (Member member = TestMembers.start(memberDir, options)) {
            MemberStorage storage = member.storage();
            putMany(member, "first/", 100);
            MemberStorage.SavedSnapshot first = snapshotNow(storage);
            assertThat(first.copiedBytes()).isZero();

            putMany(member, "second/", 100);
            dev.cairn.kvnode.mvcc.StoreImage secondImage = storage.store().captureImage();
            MemberStorage.SavedSnapshot second = storage.saveSnapshot(metadataNow(storage), secondImage);
            assertThat(second.copiedBytes()).isPositive();
            assertThat(imageOf(second.file())).isEqualTo(written(secondImage));

            flipByteInTheMiddle(second.file().path());
            putMany(member, "third/", 10);
            dev.cairn.kvnode.mvcc.StoreImage thirdImage = storage.store().captureImage();
            MemberStorage.SavedSnapshot third = storage.saveSnapshot(metadataNow(storage), thirdImage);
            assertThat(third.copiedBytes()).as("the damaged file is not copied").isZero();
            assertThat(imageOf(third.file())).isEqualTo(written(thirdImage));
        }
    }

    private static void putMany(Member member, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            put(member, prefix + i, "value-" + i);
        }
    }

    private static MemberStorage.SavedSnapshot snapshotNow(MemberStorage storage) throws Exception {
        return storage.saveSnapshot(metadataNow(storage), storage.store().captureImage());
    }

    private static SnapshotMetadata metadataNow(MemberStorage storage) {
        dev.cairn.kvnode.mvcc.ApplyPosition applied = storage.store().applied();
        return new SnapshotMetadata(new dev.cairn.kvnode.raft.pb.ConfState(
                java.util.Set.of(TestMembers.IDENTITY.memberId()), java.util.Set.of(), java.util.Set.of(),
                java.util.Set.of(), false), applied.index(), applied.term());
    }

    private static byte[] imageOf(dev.cairn.kvnode.snap.SnapshotFile file) throws Exception {
        try (java.io.InputStream image = file.openImage()) {
            return image.readAllBytes();
        }
    }

    private static byte[] written(dev.cairn.kvnode.mvcc.StoreImage image) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        image.writeTo(out);
        return out.toByteArray();
    }

    private static void flipByteInTheMiddle(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }

    @Test
    void aBackendOlderThanTheWalSnapshotIsRestoredFromTheSnapshotFile() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(50).withWalSegmentBytes(4 * 1024);
        Map<String, String> written = new LinkedHashMap<>();
        try (Member member = TestMembers.start(memberDir, options)) {
            put(member, "b/first", "1");
            written.put("b/first", "1");
        }
        Path oldBackend = dir.resolve("old-kv.db");
        Files.copy(MemberStorage.backendFile(memberDir), oldBackend);
        try (Member member = TestMembers.start(memberDir, options)) {
            for (int i = 0; i < 400; i++) {
                put(member, "b/" + i, "v" + i);
                written.put("b/" + i, "v" + i);
            }
        }
        Files.copy(oldBackend, MemberStorage.backendFile(memberDir), StandardCopyOption.REPLACE_EXISTING);

        try (Member member = TestMembers.start(memberDir, options)) {
            assertThat(values(readPrefix(member, "b/"))).isEqualTo(written);
            put(member, "b/after", "restart");
        }
    }

    @Test
    void afterACrashTheBackendIsRebuiltFromTheSnapshotAndTheWalNotTrusted() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(50).withWalSegmentBytes(4 * 1024);
        Map<String, String> written = new LinkedHashMap<>();
        Member member = TestMembers.start(memberDir, options);
        for (int i = 0; i < 230; i++) {
            put(member, "c/" + i, "v" + i);
            written.put("c/" + i, "v" + i);
        }
        member.simulatePowerLoss(new java.util.Random(7));
        // What a broken crash recovery of the backend's own files could leave: nothing usable.
        byte[] garbage = new byte[8192];
        new java.util.Random(8).nextBytes(garbage);
        Files.write(MemberStorage.backendFile(memberDir), garbage);

        try (Member restarted = TestMembers.start(memberDir, options)) {
            assertThat(values(readPrefix(restarted, "c/"))).isEqualTo(written);
            assertThat(members(restarted)).as("the membership came back with the rest")
                    .containsExactly(TestMembers.IDENTITY.memberId() + ":voter");
            put(restarted, "c/after", "crash");
        }
        try (Member reopened = TestMembers.start(memberDir, options)) {
            assertThat(readPrefix(reopened, "c/").getCount()).as("a clean stop is trusted again").isEqualTo(231);
        }
    }

    /**
     * A cleanly stopped member whose marker names another backend layout (an older Cairn's: its marker was empty) is
     * rebuilt rather than read: here its file is garbage, which a trusted open could not read.
     */
    @Test
    void aCleanlyClosedBackendOfAnOlderLayoutIsRebuiltNotRead() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(50).withWalSegmentBytes(4 * 1024);
        Map<String, String> written = new LinkedHashMap<>();
        try (Member member = TestMembers.start(memberDir, options)) {
            for (int i = 0; i < 120; i++) {
                put(member, "o/" + i, "v" + i);
                written.put("o/" + i, "v" + i);
            }
        }
        assertThat(Files.readString(MemberStorage.cleanMarker(memberDir))).isEqualTo(MvccStore.backendLayout());
        Files.write(MemberStorage.cleanMarker(memberDir), new byte[0]);
        byte[] garbage = new byte[8192];
        new java.util.Random(9).nextBytes(garbage);
        Files.write(MemberStorage.backendFile(memberDir), garbage);

        try (Member restarted = TestMembers.start(memberDir, options)) {
            assertThat(values(readPrefix(restarted, "o/"))).isEqualTo(written);
        }
    }

    @Test
    void aBackendOlderThanTheWalSnapshotWithNoUsableSnapshotFileIsRefused() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions options = StorageOptions.DEFAULTS.withSnapshotCount(50).withWalSegmentBytes(4 * 1024);
        try (Member member = TestMembers.start(memberDir, options)) {
            put(member, "b/first", "1");
        }
        Path oldBackend = dir.resolve("old-kv.db");
        Files.copy(MemberStorage.backendFile(memberDir), oldBackend);
        try (Member member = TestMembers.start(memberDir, options)) {
            for (int i = 0; i < 200; i++) {
                put(member, "b/" + i, "v" + i);
            }
        }
        Files.copy(oldBackend, MemberStorage.backendFile(memberDir), StandardCopyOption.REPLACE_EXISTING);
        for (String snap : list(MemberStorage.snapDir(memberDir))) {
            Files.delete(MemberStorage.snapDir(memberDir).resolve(snap));
        }

        assertThatThrownBy(() -> TestMembers.start(memberDir, options)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no valid snapshot file");
    }

    @Test
    void anOnDemandSnapshotIsDurableWhenItCompletes() throws Exception {
        Path memberDir = dir.resolve("member");
        try (Member member = TestMembers.start(memberDir, StorageOptions.DEFAULTS)) {
            for (int i = 0; i < 10; i++) {
                put(member, "o/" + i, "v");
            }
            SnapshotMetadata taken = member.node().snapshot().get(10, TimeUnit.SECONDS);

            assertThat(taken.index()).isEqualTo(member.node().appliedIndex());
            assertThat(list(MemberStorage.snapDir(memberDir))).hasSize(1);
            assertThat(member.node().snapshot().get(10, TimeUnit.SECONDS)).as("nothing applied since: the same one")
                    .isEqualTo(taken);
        }
    }

    @Test
    void beyondTheQuotaWritesGetNoSpaceWhileReadsDeletesAndCompactionWork() throws Exception {
        long quota = 3L * 1024 * 1024;
        try (Member member = TestMembers.start(dir.resolve("member"),
                StorageOptions.DEFAULTS.withQuotaBackendBytes(quota))) {
            String value = "x".repeat(4096);
            int acknowledged = 0;
            Throwable refused = null;
            for (int i = 0; i < 10_000 && refused == null; i++) {
                try {
                    put(member, "q/" + i, value);
                    acknowledged++;
                } catch (KvException e) {
                    refused = e;
                } catch (ExecutionException e) {
                    refused = e.getCause();
                }
            }

            assertThat(refused).isInstanceOf(KvException.class);
            assertThat(((KvException) refused).error()).isEqualTo(KvError.NO_SPACE);
            assertThat(acknowledged).isPositive();
            assertThat(member.storage().store().sizeBytes()).isLessThan(quota + 64 * 1024);
            assertThat(readPrefix(member, "q/").getCount()).isEqualTo(acknowledged);
            long revision = member.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("q/"))
                    .setRangeEnd(bytes("q0")).build()).get(10, TimeUnit.SECONDS).getHeader().getRevision();
            member.kv().compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build())
                    .get(10, TimeUnit.SECONDS);
            assertThat(member.kv().range(RangeRequest.newBuilder().setKey(bytes("q/")).setRangeEnd(bytes("q0"))
                    .setCountOnly(true).build()).get(10, TimeUnit.SECONDS).getCount()).isZero();
        }
    }

    @Test
    void aMemberWhoseStoreFailsStopsAndFailsItsClientsRatherThanGoingOn() throws Exception {
        Member member = TestMembers.start(dir.resolve("member"), StorageOptions.DEFAULTS);
        try {
            put(member, "before", "failure");
            // The backend goes away under the apply side, as a failed disk would take it.
            member.storage().store().closeAsCrash();

            assertThatThrownBy(() -> put(member, "after", "failure")).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(KvException.class)
                    .satisfies(e -> assertThat(((KvException) e.getCause()).error()).isEqualTo(KvError.STOPPED));
            assertThat(member.node().terminated()).isCompletedExceptionally();
            assertThatThrownBy(() -> put(member, "later", "x")).hasCauseInstanceOf(KvException.class);
        } finally {
            member.node().close();
        }
    }

    @Test
    void theFoundingMembersAreInTheMembersBucket() throws Exception {
        try (Member member = TestMembers.start(dir.resolve("member"), StorageOptions.DEFAULTS)) {
            assertThat(members(member)).containsExactly(TestMembers.IDENTITY.memberId() + ":voter");
        }
    }

    private static List<String> members(Member member) throws Exception {
        List<String> found = new ArrayList<>();
        for (ByteString record : member.storage().store().bucket(Bucket.MEMBERS).values()) {
            MemberRecord parsed = MemberRecord.parseFrom(record);
            found.add(parsed.getId() + ":" + (parsed.getIsLearner() ? "learner" : "voter"));
        }
        return found;
    }

    private static int walSegments(Path memberDir) {
        return (int) list(MemberStorage.walDir(memberDir)).stream().filter(n -> n.endsWith(".wal")).count();
    }
}
