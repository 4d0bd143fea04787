package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hashes are etcd's where etcd's are defined, and deterministic over the applied state, not the file. */
class KvHasherTest {
    private static final long SEED = Long.getLong("seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void anEmptyStoreHashesAsEtcdsDoes() {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"))) {
            // etcd 3.4.23's `etcdctl endpoint hashkv` on a fresh member: the CRC-32C of the bucket name "key".
            assertThat(Integer.toUnsignedLong(store.hash(0).hash())).isEqualTo(1084519789L);
        }
    }

    @Test
    void hashesAsEtcdBeforeAndAfterACompaction() {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"))) {
            StoreFixture.apply(store, new StoreFixture.Op("foo", "bar"), 1);
            StoreFixture.apply(store, new StoreFixture.Op("foo", "baz"), 2);
            // etcd 3.4.23 after `put foo bar`, `put foo baz`, then after `compaction --physical 2`: from 2 on only
            // what a compaction at the hashed revision keeps counts, so the superseded foo=bar drops out.
            assertThat(Integer.toUnsignedLong(store.hash(0).hash())).isEqualTo(2020292994L);

            store.compact(2, new ApplyPosition(3, 1)).join();

            assertThat(Integer.toUnsignedLong(store.hash(0).hash())).isEqualTo(536172655L);
        }
    }

    @Test
    void storesThatAppliedTheSameEntriesHashAlikeWhateverTheirFileLayout() throws Exception {
        List<StoreFixture.Op> ops = StoreFixture.randomOps(new Random(SEED), 400, 30);
        try (MvccStore a = MvccStore.open(dir.resolve("a.db"));
                MvccStore b = MvccStore.open(dir.resolve("b.db"))) {
            long index = 0;
            for (StoreFixture.Op op : ops) {
                index++;
                StoreFixture.apply(a, op, index);
                StoreFixture.apply(b, op, index);
            }
            long compactAt = a.currentRevision() / 2;
            a.compact(compactAt, new ApplyPosition(++index, 1)).join();
            b.compact(compactAt, new ApplyPosition(index, 1)).join();
            b.defragment();

            assertThat(b.hashAll()).as("seed " + SEED).isEqualTo(a.hashAll());
            assertThat(b.hash(0)).as("seed " + SEED).isEqualTo(a.hash(0));
        }
    }

    @Test
    void theWholeStoreHashCoversTheBuckets() {
        try (MvccStore store = MvccStore.open(dir.resolve("kv.db"))) {
            StoreFixture.apply(store, new StoreFixture.Op("k", "v"), 1);
            int before = store.hashAll();
            int kvBefore = store.hash(0).hash();
            try (WriteTxn txn = store.beginWrite(new ApplyPosition(2, 1))) {
                txn.putInBucket(Bucket.ALARM, new byte[] {0, 1}, new byte[0]);
                txn.commit();
            }

            assertThat(store.hashAll()).isNotEqualTo(before);
            assertThat(store.hash(0).hash()).as("HashKV covers keys only").isEqualTo(kvBefore);
        }
    }
}
