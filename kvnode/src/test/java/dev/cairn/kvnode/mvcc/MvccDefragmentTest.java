package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defragmentation shrinks the backend file and changes nothing a client or a hash can see, also under writes. */
class MvccDefragmentTest {
    private static final long SEED = Long.getLong("seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void shrinksTheFileAfterACompactionAndKeepsEveryState() throws IOException {
        Path file = dir.resolve("kv.db");
        try (MvccStore store = MvccStore.open(file)) {
            long index = 0;
            ByteString big = ByteString.copyFrom(new byte[20_000]);
            for (int i = 0; i < 200; i++) {
                try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
                    txn.put(StoreFixture.bytes("k" + (i % 10)), big, 0);
                    txn.commit();
                }
            }
            store.compact(store.currentRevision(), new ApplyPosition(++index, 1)).join();
            long sizeBefore = store.sizeBytes();
            int hashBefore = store.hashAll();
            HashResult kvHashBefore = store.hash(0);
            List<?> before = StoreFixture.everything(store, 0);

            store.defragment();

            assertThat(store.sizeBytes()).isLessThan(sizeBefore);
            assertThat(store.hashAll()).isEqualTo(hashBefore);
            assertThat(store.hash(0)).isEqualTo(kvHashBefore);
            assertThat(StoreFixture.everything(store, 0)).isEqualTo(before);
            assertThat(Files.exists(Backend.defragmentTarget(file))).isFalse();
            StoreFixture.apply(store, new StoreFixture.Op("after", "defrag"), ++index);
            assertThat(store.range(KeyRange.single(StoreFixture.bytes("after")), 0, 0, false).kvs()).hasSize(1);
        }
        try (MvccStore reopened = MvccStore.open(file)) {
            assertThat(reopened.range(KeyRange.single(StoreFixture.bytes("after")), 0, 0, false).kvs())
                    .as("the defragmented file and what was written after it survive a reopen").hasSize(1);
            assertThat(reopened.applied().index()).isEqualTo(202);
        }
    }

    @Test
    void writesDuringADefragmentationWaitAndAllLand() throws Exception {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"))) {
            Random random = new Random(SEED);
            AtomicLong index = new AtomicLong();
            for (StoreFixture.Op op : StoreFixture.randomOps(random, 500, 50)) {
                StoreFixture.apply(store, op, index.incrementAndGet());
            }
            AtomicBoolean defragmenting = new AtomicBoolean(true);
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                int written = 0;
                while (defragmenting.get() || written < 50) {
                    StoreFixture.apply(store, new StoreFixture.Op("w" + written, "v"), index.incrementAndGet());
                    written++;
                }
                return written;
            });
            store.defragment();
            store.defragment();
            defragmenting.set(false);
            int written = writer.get();

            assertThat(store.range(KeyRange.of(StoreFixture.bytes("w"), StoreFixture.bytes("x")), 0, 0, true).count())
                    .as("seed " + SEED).isEqualTo(written);
            assertThat(store.applied().index()).isEqualTo(index.get());
        }
    }

    @Test
    void aLeftoverFromADefragmentationCutShortIsDeletedOnOpen() throws IOException {
        Path file = dir.resolve("kv.db");
        Files.write(Backend.defragmentTarget(file), new byte[] {1, 2, 3});

        try (MvccStore store = MvccStore.open(file)) {
            assertThat(Files.exists(Backend.defragmentTarget(file))).isFalse();
        }
    }
}
