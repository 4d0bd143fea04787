package dev.cairn.kvnode.server;

import static dev.cairn.kvnode.server.TestMembers.put;
import static dev.cairn.kvnode.server.TestMembers.readPrefix;
import static dev.cairn.kvnode.server.TestMembers.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import dev.cairn.kvnode.wal.WalCorruptException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Section B of raft-scenarios.md at the member level: a real WAL, snapshots and backend on disk. */
class DurabilityScenarioTest {
    private static final StorageOptions SMALL = StorageOptions.DEFAULTS.withSnapshotCount(40)
            .withWalSegmentBytes(16 * 1024).withMaxSnapshots(2);

    @TempDir
    Path dir;

    /**
     * D-1: a power cut loses what was not fsynced — the WAL's unsynced tail (possibly torn) — and leaves the
     * backend untrusted. Concurrent writers run until the disk "dies" at a seeded fsync; after the cut the member
     * must start again with every acknowledged write, none twice, and no gap in the revisions.
     */
    @Test
    void d01_aPowerCutLosesNoAcknowledgedWrite() throws Exception {
        long seed = Long.getLong("durability.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        Path memberDir = dir.resolve("member");
        for (int round = 0; round < 8; round++) {
            String context = "seed " + seed + " round " + round;
            Member member = TestMembers.start(memberDir, SMALL);
            int dieAt = 3 + random.nextInt(60);
            AtomicInteger syncs = new AtomicInteger();
            member.storage().setSyncListener(new MemberStorage.SyncListener() {
                @Override
                public void beforeSync(long lastIndex) throws IOException {
                    if (syncs.incrementAndGet() == dieAt) {
                        throw new IOException("simulated power cut");
                    }
                }
            });
            ExecutorService writers = Executors.newFixedThreadPool(4);
            for (int w = 0; w < 4; w++) {
                int writer = w;
                int roundNo = round;
                writers.execute(() -> {
                    for (int i = 0; ; i++) {
                        String key = "d1/" + roundNo + "/" + writer + "/" + i;
                        try {
                            put(member, key, "v" + i);
                        } catch (Exception e) {
                            return; // the member died: this write was never acknowledged
                        }
                        acknowledged.put(key, "v" + i);
                    }
                });
            }
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).as(context).isTrue();
            assertThat(member.node().terminated()).as(context).isCompletedExceptionally();
            member.simulatePowerLoss(random);

            try (Member restarted = TestMembers.start(memberDir, SMALL)) {
                RangeResponse all = readPrefix(restarted, "d1/");
                assertThat(values(all)).as(context).containsAllEntriesOf(acknowledged);
                assertThat(all.getKvsList()).as(context + ": no put applied twice").allMatch(kv -> kv.getVersion() == 1);
                assertThat(all.getKvsList().stream().map(KeyValue::getCreateRevision).sorted().toList())
                        .as(context + ": one revision per put, no gap")
                        .isEqualTo(LongStream.rangeClosed(2, all.getHeader().getRevision()).boxed().toList());
            }
        }
    }

    /**
     * D-2: a created or renamed WAL segment or snapshot file is only durable once its directory is fsynced. Every
     * segment and snapshot file that exists must have been seen by a directory fsync after it got its final name.
     */
    @Test
    void d02_theDirectoryIsFsyncedAfterEveryNewSegmentAndSnapshot() throws Exception {
        Path memberDir = dir.resolve("member");
        Set<String> seenBySync = ConcurrentHashMap.newKeySet();
        try (AutoCloseable observing = Directories.observeSyncs(synced -> seenBySync.addAll(list(synced)));
                Member member = TestMembers.start(memberDir, SMALL)) {
            for (int i = 0; i < 300; i++) {
                put(member, "d2/" + i, "x".repeat(100));
            }
            member.node().snapshot().get(10, TimeUnit.SECONDS);
            List<String> files = new ArrayList<>(list(MemberStorage.walDir(memberDir)));
            files.addAll(list(MemberStorage.snapDir(memberDir)));
            assertThat(files).as("snapshots were taken").anyMatch(name -> name.endsWith(".snap"));
            assertThat(seenBySync).as("segments rolled over (older ones were released after snapshots)")
                    .filteredOn(name -> name.endsWith(".wal")).hasSizeGreaterThan(2);
            assertThat(seenBySync).as("every file was in its directory when the directory was fsynced")
                    .containsAll(files);
        }
    }

    /**
     * D-3: the applied state and the consistent index that says which entries it holds must never disagree, or a
     * restart skips or repeats an entry. The backend is written in place without a log, so after a crash it is
     * rebuilt from the newest snapshot and the WAL (snapshots every 40 entries here, so crashes fall anywhere between
     * two). One writer overwrites a few keys; after a seeded number of acknowledged puts the power fails. Each key's
     * version counts the puts applied to it: one applied twice or skipped shows as a wrong version or value.
     */
    @Test
    void d03_afterACrashEveryEntryIsAppliedExactlyOnce() throws Exception {
        long seed = Long.getLong("durability.seed", System.nanoTime());
        for (int round = 0; round < 6; round++) {
            Random random = new Random(seed + round);
            String context = "seed " + (seed + round);
            Path memberDir = dir.resolve("d3-" + round);
            Map<String, String> values = new java.util.TreeMap<>();
            Map<String, Long> versions = new java.util.TreeMap<>();
            int puts = 1 + random.nextInt(200);
            Member member = TestMembers.start(memberDir, SMALL);
            for (int i = 0; i < puts; i++) {
                String key = "d3/" + random.nextInt(7);
                put(member, key, "v" + i);
                values.put(key, "v" + i);
                versions.merge(key, 1L, Long::sum);
            }
            member.simulatePowerLoss(random);

            try (Member restarted = TestMembers.start(memberDir, SMALL)) {
                RangeResponse all = readPrefix(restarted, "d3/");
                assertThat(values(all)).as(context + " after " + puts + " puts").isEqualTo(values);
                assertThat(all.getKvsList().stream().collect(Collectors.toMap(kv -> kv.getKey().toStringUtf8(),
                        KeyValue::getVersion))).as(context + ": each put applied once").isEqualTo(versions);
                assertThat(all.getHeader().getRevision()).as(context).isEqualTo(1 + puts);
            }
        }
    }

    /**
     * D-4: a crash during compaction must not change or lower the revision. A compaction at the revision of a delete
     * (whose tombstone is the newest change) deletes history in the background; the power fails at once, somewhere
     * in that deletion. After the restart the revision, the compaction point and every key readable at the revision
     * are as they were, and the next write follows on.
     */
    @Test
    void d04_aCrashDuringCompactionKeepsTheRevisionAndTheCompactionPoint() throws Exception {
        long seed = Long.getLong("durability.seed", System.nanoTime());
        StorageOptions noSnapshots = StorageOptions.DEFAULTS.withSnapshotCount(1_000_000);
        for (int round = 0; round < 4; round++) {
            Random random = new Random(seed + round);
            String context = "seed " + (seed + round);
            Path memberDir = dir.resolve("d4-" + round);
            Member member = TestMembers.start(memberDir, round % 2 == 0 ? SMALL : noSnapshots);
            int writes = 200 + random.nextInt(800);
            for (int i = 0; i < writes; i++) {
                put(member, "d4/" + (i % 50), "v" + i);
            }
            long revision = member.kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(TestMembers.bytes("d4/0"))
                    .build()).get(10, TimeUnit.SECONDS).getHeader().getRevision();
            Map<String, String> live = values(readPrefix(member, "d4/"));
            member.kv().compact(CompactionRequest.newBuilder().setRevision(revision).build())
                    .get(10, TimeUnit.SECONDS);
            member.simulatePowerLoss(random);

            try (Member restarted = TestMembers.start(memberDir, round % 2 == 0 ? SMALL : noSnapshots)) {
                RangeResponse after = readPrefix(restarted, "d4/");
                assertThat(after.getHeader().getRevision()).as(context).isEqualTo(revision);
                assertThat(values(after)).as(context).isEqualTo(live);
                assertThatThrownBy(() -> restarted.kv().range(RangeRequest.newBuilder()
                        .setKey(TestMembers.bytes("d4/1")).setRevision(revision - 1).build()).get(10, TimeUnit.SECONDS))
                        .as(context + ": the compaction point survived")
                        .hasCauseInstanceOf(KvException.class)
                        .satisfies(e -> assertThat(((KvException) e.getCause()).error())
                                .isEqualTo(KvError.COMPACTED_REVISION));
                assertThat(put(restarted, "d4/after", "crash")).as(context + ": the next write follows on")
                        .isEqualTo(revision + 1);
            }
        }
    }

    /**
     * D-5: a damaged record in the middle of the WAL is corruption, not a torn write. The member must refuse to
     * start and name the file and offset — never cut the log there and start without committed entries.
     */
    @Test
    void d05_aCorruptRecordInTheMiddleOfTheWalStopsTheMember() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions noSnapshots = StorageOptions.DEFAULTS.withSnapshotCount(1_000_000);
        try (Member member = TestMembers.start(memberDir, noSnapshots)) {
            for (int i = 0; i < 50; i++) {
                put(member, "d5/" + i, "value-" + i);
            }
        }
        Path segment = list(MemberStorage.walDir(memberDir)).stream().filter(n -> n.endsWith(".wal")).sorted()
                .map(name -> MemberStorage.walDir(memberDir).resolve(name)).findFirst().orElseThrow();
        long offset = flipAByteInsideARecord(segment, "value-20");

        assertThatThrownBy(() -> TestMembers.start(memberDir, noSnapshots))
                .isInstanceOf(WalCorruptException.class)
                .hasMessageContaining(segment.getFileName().toString())
                .hasMessageContaining("offset");
        assertThat(offset).isPositive();
    }

    /**
     * D-5: the backend holds entries the WAL no longer has (the log lost its tail to damage or an operator's mistake).
     * Starting would let this member vote and acknowledge as if it never saw them: it must refuse.
     */
    @Test
    void d05_aBackendAheadOfTheWalIsRefused() throws Exception {
        Path memberDir = dir.resolve("member");
        StorageOptions noSnapshots = StorageOptions.DEFAULTS.withSnapshotCount(1_000_000);
        try (Member member = TestMembers.start(memberDir, noSnapshots)) {
            put(member, "d5/a", "1");
        }
        Path savedWal = dir.resolve("old-wal");
        copyTree(MemberStorage.walDir(memberDir), savedWal);
        try (Member member = TestMembers.start(memberDir, noSnapshots)) {
            for (int i = 0; i < 20; i++) {
                put(member, "d5/b" + i, "2");
            }
        }
        deleteTree(MemberStorage.walDir(memberDir));
        copyTree(savedWal, MemberStorage.walDir(memberDir));

        assertThatThrownBy(() -> TestMembers.start(memberDir, noSnapshots))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the log lost entries");
    }

    private static long flipAByteInsideARecord(Path segment, String marker) throws IOException {
        byte[] content = Files.readAllBytes(segment);
        byte[] needle = marker.getBytes();
        for (int i = 0; i + needle.length <= content.length; i++) {
            if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
                try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
                    file.seek(i);
                    file.write(content[i] ^ 0x5a);
                }
                return i;
            }
        }
        throw new AssertionError(marker + " not found in " + segment);
    }

    static List<String> list(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : list(from)) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
    }

    static void deleteTree(Path directory) throws IOException {
        for (String name : list(directory)) {
            Files.delete(directory.resolve(name));
        }
        Files.delete(directory);
    }
}
