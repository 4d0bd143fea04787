package dev.cairn.kvnode.mvcc;

import static dev.cairn.kvnode.mvcc.StoreFixture.apply;
import static dev.cairn.kvnode.mvcc.StoreFixture.bytes;
import static dev.cairn.kvnode.mvcc.StoreFixture.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction keeps exactly what reads at or after its revision need, in the background, and survives restarts. */
class MvccCompactionTest {
    private static final StoreOptions SMALL_BATCHES = new StoreOptions(7);

    @TempDir
    Path dir;

    @Test
    void readsAtOrAfterTheCompactedRevisionAreUnchangedAndOlderOnesAreRefused() throws Exception {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        for (int round = 0; round < 20; round++) {
            Random random = new Random(seed + round);
            Path file = dir.resolve("round-" + round + ".db");
            List<StoreFixture.Op> ops = StoreFixture.randomOps(random, 200, 12);
            try (MvccStore store = MvccStore.open(file, SMALL_BATCHES)) {
                for (int i = 0; i < ops.size(); i++) {
                    apply(store, ops.get(i), i + 1);
                }
                long current = store.currentRevision();
                long compactAt = 2 + random.nextInt((int) current - 1);
                List<List<KeyValue>> before = new ArrayList<>();
                for (long rev = compactAt; rev <= current; rev++) {
                    before.add(everything(store, rev));
                }
                long inUseBefore = store.sizeInUseBytes();
                assertThat(before).as("the history has live keys to compare").anyMatch(kvs -> !kvs.isEmpty());

                store.compact(compactAt, new ApplyPosition(ops.size() + 1, 1)).get(10, TimeUnit.SECONDS);

                String context = "seed " + (seed + round) + " compact at " + compactAt;
                for (long rev = compactAt; rev <= current; rev++) {
                    assertThat(everything(store, rev)).as(context + " read at " + rev)
                            .isEqualTo(before.get((int) (rev - compactAt)));
                }
                assertThatThrownBy(() -> everything(store, compactAt - 1)).as(context)
                        .isInstanceOf(CompactedRevisionException.class);
                assertThat(store.sizeInUseBytes()).as(context).isLessThanOrEqualTo(inUseBefore);
                store.close();
                try (MvccStore reopened = MvccStore.open(file, SMALL_BATCHES)) {
                    assertThat(reopened.compactRevision()).as(context).isEqualTo(compactAt);
                    assertThat(reopened.currentRevision()).as(context).isEqualTo(current);
                    for (long rev = compactAt; rev <= current; rev++) {
                        assertThat(everything(reopened, rev)).as(context + " after reopen, read at " + rev)
                                .isEqualTo(before.get((int) (rev - compactAt)));
                    }
                }
            }
        }
    }

    @Test
    void compactionDeletesOverwrittenValuesAndKeepsTheLatest() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"), SMALL_BATCHES)) {
            long index = 0;
            for (int i = 0; i < 100; i++) {
                apply(store, new StoreFixture.Op("key", "v" + i), ++index);
            }
            apply(store, new StoreFixture.Op("gone", "x"), ++index);
            apply(store, new StoreFixture.Op("gone", null), ++index);
            long current = store.currentRevision();
            long inUseBefore = store.sizeInUseBytes();

            store.compact(current, new ApplyPosition(++index, 1)).get(10, TimeUnit.SECONDS);

            assertThat(store.sizeInUseBytes()).as("99 overwritten values and a deleted key are gone")
                    .isLessThan(inUseBefore / 10);
            assertThat(everything(store, current)).extracting(kv -> kv.getValue().toStringUtf8())
                    .containsExactly("v99");
            KeyValue kept = everything(store, 0).get(0);
            assertThat(kept.getVersion()).isEqualTo(100);
            assertThat(kept.getCreateRevision()).isEqualTo(2);
        }
    }

    @Test
    void compactingTwiceAtTheSameRevisionOrInTheFutureIsRefused() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"))) {
            apply(store, new StoreFixture.Op("a", "1"), 1);
            apply(store, new StoreFixture.Op("a", "2"), 2);
            store.compact(2, new ApplyPosition(3, 1)).get(10, TimeUnit.SECONDS);

            assertThatThrownBy(() -> store.compact(2, new ApplyPosition(4, 1)))
                    .isInstanceOf(CompactedRevisionException.class);
            assertThatThrownBy(() -> store.compact(99, new ApplyPosition(5, 1)))
                    .isInstanceOf(FutureRevisionException.class);
            assertThat(store.applied().index()).as("a refused compaction is still an applied entry").isEqualTo(5);
        }
    }

    @Test
    void writesGoOnWhileALargeCompactionDeletesInTheBackground() throws Exception {
        StoreOptions tinyBatches = new StoreOptions(50);
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"), tinyBatches)) {
            AtomicLong index = new AtomicLong();
            for (int i = 0; i < 20_000; i++) {
                apply(store, new StoreFixture.Op("k" + (i % 10), "v" + i), index.incrementAndGet());
            }
            long compactAt = store.currentRevision();
            AtomicBoolean compacting = new AtomicBoolean(true);
            AtomicLong writesDuringCompaction = new AtomicLong();
            CompletableFuture<Void> done;
            synchronized (index) {
                done = store.compact(compactAt, new ApplyPosition(index.incrementAndGet(), 1));
            }
            done.whenComplete((ok, error) -> compacting.set(false));
            int written = 0;
            while (compacting.get() && written < 1_000_000) {
                apply(store, new StoreFixture.Op("w" + written, "x"), index.incrementAndGet());
                written++;
                if (compacting.get()) {
                    writesDuringCompaction.incrementAndGet();
                }
            }
            done.get(30, TimeUnit.SECONDS);

            assertThat(writesDuringCompaction.get()).as("writes completed while 19,990 changes were deleted")
                    .isPositive();
            assertThat(store.range(KeyRange.single(bytes("k3")), 0, 0, false).kvs().get(0).getValue()
                    .toStringUtf8()).isEqualTo("v19993");
            assertThat(store.range(KeyRange.single(bytes("w" + (written - 1))), 0, 0, true).count()).isEqualTo(1);
        }
    }

    @Test
    void hashDependsOnContentNotOnHowFarPhysicalCompactionGot() throws Exception {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        Random random = new Random(seed);
        List<StoreFixture.Op> ops = StoreFixture.randomOps(random, 300, 8);
        try (MvccStore compacted = MvccStore.open(dir.resolve("a.db"), SMALL_BATCHES);
                MvccStore uncompacted = MvccStore.open(dir.resolve("b.db"), SMALL_BATCHES);
                MvccStore different = MvccStore.open(dir.resolve("c.db"), SMALL_BATCHES)) {
            for (int i = 0; i < ops.size(); i++) {
                apply(compacted, ops.get(i), i + 1);
                apply(uncompacted, ops.get(i), i + 1);
                StoreFixture.Op op = ops.get(i);
                apply(different, i == 150 && !op.isDelete() ? new StoreFixture.Op(op.key(), "other") : op, i + 1);
            }
            long compactAt = 100 + random.nextInt(100);
            compacted.compact(compactAt, new ApplyPosition(ops.size() + 1, 1)).get(10, TimeUnit.SECONDS);
            // The second store has the compaction point but not its deletions: the hash must still agree.
            uncompacted.compact(compactAt, new ApplyPosition(ops.size() + 1, 1)).get(10, TimeUnit.SECONDS);

            HashResult a = compacted.hash(0);
            assertThat(a).as("seed " + seed).isEqualTo(uncompacted.hash(0));
            assertThat(a.revision()).isEqualTo(compacted.currentRevision());
            assertThat(a.compactRevision()).isEqualTo(compactAt);
            assertThat(different.hash(0).hash()).as("seed " + seed + ": a store with another value")
                    .isNotEqualTo(compacted.hash(0).hash());
            assertThatThrownBy(() -> compacted.hash(compactAt - 1)).isInstanceOf(CompactedRevisionException.class);
        }
    }

    @Test
    void anImageRestoresTheSameStore() throws Exception {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        Random random = new Random(seed);
        List<StoreFixture.Op> ops = StoreFixture.randomOps(random, 300, 20);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        long current;
        long compactAt;
        HashResult hash;
        List<List<KeyValue>> expected = new ArrayList<>();
        try (MvccStore store = MvccStore.open(dir.resolve("source.db"), SMALL_BATCHES)) {
            for (int i = 0; i < ops.size(); i++) {
                apply(store, ops.get(i), i + 1);
            }
            try (WriteTxn txn = store.beginWrite(new ApplyPosition(ops.size() + 1, 1))) {
                txn.putInBucket(Bucket.MEMBERS, new byte[] {1}, bytes("member-1").toByteArray());
                txn.putInBucket(Bucket.LEASES, new byte[] {7}, bytes("lease-7").toByteArray());
                txn.commit();
            }
            compactAt = 50 + random.nextInt(100);
            store.compact(compactAt, new ApplyPosition(ops.size() + 1, 1)).get(10, TimeUnit.SECONDS);
            StoreImage captured = store.captureImage();
            try (WriteTxn txn = store.beginWrite(new ApplyPosition(ops.size() + 2, 1))) {
                txn.putInBucket(Bucket.MEMBERS, new byte[] {2}, bytes("after capture").toByteArray());
                txn.commit();
            }
            // Writes after the capture must not show up in the image.
            apply(store, new StoreFixture.Op("after", "capture"), ops.size() + 3);
            captured.writeTo(image);
            current = captured.revision();
            hash = store.hash(current);
            for (long rev = compactAt; rev <= current; rev++) {
                expected.add(everything(store, rev));
            }
        }

        Path restored = dir.resolve("restored.db");
        ApplyPosition applied = StoreImage.restore(new ByteArrayInputStream(image.toByteArray()), restored);

        assertThat(applied).isEqualTo(new ApplyPosition(ops.size() + 1, 1));
        try (MvccStore store = MvccStore.open(restored)) {
            assertThat(store.applied()).isEqualTo(applied);
            assertThat(store.currentRevision()).isEqualTo(current);
            assertThat(store.compactRevision()).isEqualTo(compactAt);
            assertThat(store.hash(current)).as("seed " + seed).isEqualTo(hash);
            assertThat(store.bucket(Bucket.MEMBERS)).as("buckets as they were at the capture")
                    .containsOnlyKeys(com.google.protobuf.ByteString.copyFrom(new byte[] {1}));
            assertThat(store.bucket(Bucket.LEASES).values()).containsExactly(bytes("lease-7"));
            for (long rev = compactAt; rev <= current; rev++) {
                assertThat(everything(store, rev)).as("seed %d read at %d", seed, rev)
                        .isEqualTo(expected.get((int) (rev - compactAt)));
            }
        }
    }

    @Test
    void aTruncatedImageIsRefusedAndLeavesTheExistingFile() throws Exception {
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        try (MvccStore store = MvccStore.open(dir.resolve("source.db"))) {
            apply(store, new StoreFixture.Op("a", "1"), 1);
            store.captureImage().writeTo(image);
        }
        byte[] cut = java.util.Arrays.copyOf(image.toByteArray(), image.size() - 5);
        Path target = dir.resolve("target.db");
        try (MvccStore store = MvccStore.open(target)) {
            apply(store, new StoreFixture.Op("existing", "state"), 1);
        }

        assertThatThrownBy(() -> StoreImage.restore(new ByteArrayInputStream(cut), target))
                .hasMessageContaining("ends early");

        try (MvccStore store = MvccStore.open(target)) {
            assertThat(everything(store, 0)).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("existing");
        }
    }

    /**
     * W-4 across a restart: a compaction at the revision of a delete keeps that tombstone, so a watcher starting at
     * the compaction revision still sees the delete, also when the compaction was cut off and resumes on the next
     * start.
     */
    @Test
    void aResumedCompactionKeepsTheTombstoneAtItsRevision() throws Exception {
        Path file = dir.resolve("w4.db");
        List<StoreFixture.Op> ops = List.of(new StoreFixture.Op("k", "v2"), new StoreFixture.Op("k", "v3"),
                new StoreFixture.Op("k", "v4"), new StoreFixture.Op("k", null), new StoreFixture.Op("k", "v6"));
        try (MvccStore store = MvccStore.open(file, SMALL_BATCHES)) {
            for (int i = 0; i < ops.size(); i++) {
                apply(store, ops.get(i), i + 1);
            }
            assertThat(store.currentRevision()).isEqualTo(6);
        }
        // A compaction at 5 that was scheduled, but whose deletions never ran: as after a stop part way.
        Backend backend = Backend.open(file);
        backend.setMeta(Backend.SCHEDULED_COMPACT, 5);
        backend.closeDurably();

        try (MvccStore store = MvccStore.open(file, SMALL_BATCHES)) {
            store.resumedCompaction().get(10, TimeUnit.SECONDS);
            List<Event> events = store.changes(5, 6, 100);
            assertThat(events).extracting(e -> e.getType() + "@" + e.getKv().getModRevision())
                    .containsExactly("DELETE@5", "PUT@6");
        }
        try (MvccStore reopened = MvccStore.open(file, SMALL_BATCHES)) {
            assertThat(reopened.changes(5, 6, 100)).hasSize(2);
            assertThatThrownBy(() -> reopened.changes(4, 6, 100)).isInstanceOf(CompactedRevisionException.class);
        }
    }
}
