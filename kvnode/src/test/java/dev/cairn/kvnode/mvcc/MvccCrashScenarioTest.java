package dev.cairn.kvnode.mvcc;

import static dev.cairn.kvnode.mvcc.StoreFixture.apply;
import static dev.cairn.kvnode.mvcc.StoreFixture.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Section B of raft-scenarios.md at the store level: crashes between and during backend commits. */
class MvccCrashScenarioTest {
    @TempDir
    Path dir;

    /**
     * D-3: the consistent index is committed with the changes it covers. Crash at a random point of a run with random
     * batch limits, reopen, and re-apply the entries after the consistent index the reopened store reports: the
     * result must equal a store that never crashed — nothing skipped, nothing applied twice.
     */
    @Test
    void d03_theConsistentIndexIsCommittedAtomicallyWithTheChanges() throws Exception {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        for (int round = 0; round < 25; round++) {
            Random random = new Random(seed + round);
            String context = "seed " + (seed + round);
            List<StoreFixture.Op> ops = StoreFixture.randomOps(random, 150, 10);
            StoreOptions batching = new StoreOptions(Duration.ofHours(1), 1 + random.nextInt(20), 1000);
            List<KeyValue> expected;
            long expectedRevision;
            try (MvccStore reference = MvccStore.open(dir.resolve("reference-" + round + ".db"))) {
                for (int i = 0; i < ops.size(); i++) {
                    apply(reference, ops.get(i), i + 1);
                }
                expected = everything(reference, 0);
                expectedRevision = reference.currentRevision();
            }

            Path file = dir.resolve("crashed-" + round + ".db");
            int crashAfter = random.nextInt(ops.size());
            MvccStore crashed = MvccStore.open(file, batching);
            for (int i = 0; i < crashAfter; i++) {
                apply(crashed, ops.get(i), i + 1);
            }
            crashed.closeAsCrash();

            try (MvccStore reopened = MvccStore.open(file, batching)) {
                long consistentIndex = reopened.applied().index();
                assertThat(consistentIndex).as(context).isBetween(0L, (long) crashAfter);
                for (int i = (int) consistentIndex; i < ops.size(); i++) {
                    apply(reopened, ops.get(i), i + 1);
                }
                assertThat(reopened.currentRevision()).as(context + " crash after " + crashAfter)
                        .isEqualTo(expectedRevision);
                assertThat(everything(reopened, 0)).as(context + " crash after " + crashAfter).isEqualTo(expected);
            }
        }
    }

    /**
     * D-4: a crash during compaction must not change or lower the revision. The last change is a delete, whose
     * tombstone is the newest change in the backend; compacting at its revision deletes history behind it, and a
     * crash in the middle of that must leave the revision, the compaction point and every readable key as they were.
     */
    @Test
    void d04_aCrashDuringCompactionKeepsTheRevisionAndResumesTheCompaction() throws Exception {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        for (int round = 0; round < 10; round++) {
            Random random = new Random(seed + round);
            String context = "seed " + (seed + round);
            Path file = dir.resolve("round-" + round + ".db");
            StoreOptions oneAtATime = new StoreOptions(Duration.ofMillis(50), 100, 1);
            MvccStore store = MvccStore.open(file, oneAtATime);
            long index = 0;
            int keys = 200 + random.nextInt(800);
            for (int i = 0; i < keys; i++) {
                apply(store, new StoreFixture.Op("k" + (i % 50), "v" + i), ++index);
            }
            apply(store, new StoreFixture.Op("k0", null), ++index);
            long revision = store.currentRevision();
            List<KeyValue> live = everything(store, revision);
            HashResult hash = store.hash(revision);

            store.compact(revision, new ApplyPosition(++index, 1));
            // The background deletion is somewhere between its first and last batch, or done.
            store.closeAsCrash();

            try (MvccStore reopened = MvccStore.open(file, oneAtATime)) {
                assertThat(reopened.currentRevision()).as(context).isEqualTo(revision);
                assertThat(reopened.compactRevision()).as(context).isEqualTo(revision);
                assertThat(everything(reopened, revision)).as(context).isEqualTo(live);
                assertThat(reopened.hash(revision).hash()).as(context + ": hash over what compaction keeps")
                        .isEqualTo(compactedHash(dir.resolve("check-" + round + ".db"), keys, revision));
                ApplyPosition next = new ApplyPosition(index + 1, 1);
                assertThatThrownBy(() -> reopened.compact(revision, next))
                        .as(context + ": the compaction point survived").isInstanceOf(CompactedRevisionException.class);
                apply(reopened, new StoreFixture.Op("after", "crash"), index + 2);
                assertThat(reopened.currentRevision()).as(context + ": the next write follows on")
                        .isEqualTo(revision + 1);
            }
            assertThat(hash.revision()).isEqualTo(revision);
        }
    }

    /** The hash a store that compacted without crashing reports, for comparison. */
    private static int compactedHash(Path file, int keys, long revision) throws Exception {
        try (MvccStore store = MvccStore.open(file)) {
            long index = 0;
            for (int i = 0; i < keys; i++) {
                apply(store, new StoreFixture.Op("k" + (i % 50), "v" + i), ++index);
            }
            apply(store, new StoreFixture.Op("k0", null), ++index);
            store.compact(revision, new ApplyPosition(++index, 1)).get(10, TimeUnit.SECONDS);
            return store.hash(revision).hash();
        }
    }
}
