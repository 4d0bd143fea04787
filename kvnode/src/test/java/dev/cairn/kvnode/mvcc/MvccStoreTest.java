package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvccStoreTest {
    @TempDir
    Path dir;
    MvccStore store;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir.resolve("kv.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private long nextIndex;

    /** Each write applies the next Raft entry, as the node loop would. */
    private ApplyPosition nextPosition() {
        return new ApplyPosition(++nextIndex, 1);
    }

    @Test
    void aNewStoreIsAtRevisionOneAndTheFirstWriteIsTwo() {
        assertThat(store.currentRevision()).isEqualTo(1);

        KeyValue kv = put("foo", "bar");

        assertThat(kv.getCreateRevision()).isEqualTo(2);
        assertThat(kv.getModRevision()).isEqualTo(2);
        assertThat(kv.getVersion()).isEqualTo(1);
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void everyRevisionStaysReadable() {
        put("k", "v1");
        put("k", "v2");
        put("k", "v3");

        assertThat(values(store.range(KeyRange.single(bytes("k")), 2, 0, false))).containsExactly("v1");
        assertThat(values(store.range(KeyRange.single(bytes("k")), 3, 0, false))).containsExactly("v2");
        KeyValue newest = store.range(KeyRange.single(bytes("k")), 0, 0, false).kvs().get(0);
        assertThat(newest.getValue().toStringUtf8()).isEqualTo("v3");
        assertThat(newest.getVersion()).isEqualTo(3);
        assertThat(newest.getCreateRevision()).isEqualTo(2);
    }

    @Test
    void readingAFutureRevisionIsRefused() {
        put("k", "v");

        assertThatThrownBy(() -> store.range(KeyRange.single(bytes("k")), 3, 0, false))
                .isInstanceOf(FutureRevisionException.class);
    }

    @Test
    void rangesFollowEtcdsEncodingOfTheEnd() {
        for (String key : List.of("a", "b", "b1", "b2", "c")) {
            put(key, key);
        }

        assertThat(keys(store.range(KeyRange.of(bytes("b"), bytes("c")), 0, 0, false)))
                .containsExactly("b", "b1", "b2");
        assertThat(keys(store.range(KeyRange.of(bytes("b1"), ByteString.copyFrom(new byte[] {0})), 0, 0, false)))
                .as("end \\0 reads every key from the start on").containsExactly("b1", "b2", "c");
        assertThat(keys(store.range(KeyRange.of(bytes("c"), bytes("a")), 0, 0, false))).isEmpty();
    }

    @Test
    void aLimitCutsTheKeysButNotTheCount() {
        for (String key : List.of("a", "b", "c", "d")) {
            put(key, key);
        }

        RangeResult limited = store.range(KeyRange.of(bytes("a"), bytes("z")), 0, 2, false);
        assertThat(keys(limited)).containsExactly("a", "b");
        assertThat(limited.count()).isEqualTo(4);

        RangeResult counted = store.range(KeyRange.of(bytes("a"), bytes("z")), 0, 0, true);
        assertThat(counted.kvs()).isEmpty();
        assertThat(counted.count()).isEqualTo(4);
    }

    @Test
    void oneTransactionIsOneRevisionAndSeesItsOwnWrites() {
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            txn.put(bytes("a"), bytes("1"), 0);
            txn.put(bytes("b"), bytes("2"), 0);
            assertThat(keys(txn.range(KeyRange.of(bytes("a"), bytes("z")), 0, false))).containsExactly("a", "b");
            assertThat(txn.commit()).isEqualTo(2);
        }

        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(store.range(KeyRange.of(bytes("a"), bytes("z")), 0, 0, false).kvs())
                .extracting(KeyValue::getModRevision).containsExactly(2L, 2L);
    }

    @Test
    void deletesAreVersionedAndRecreationStartsANewLife() {
        put("k", "v1");
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            List<KeyValue> deleted = txn.deleteRange(KeyRange.single(bytes("k")));
            assertThat(values(new RangeResult(deleted, deleted.size(), 0))).containsExactly("v1");
            txn.commit();
        }
        KeyValue recreated = put("k", "v2");

        assertThat(store.range(KeyRange.single(bytes("k")), 3, 0, false).count()).isZero();
        assertThat(values(store.range(KeyRange.single(bytes("k")), 2, 0, false))).containsExactly("v1");
        assertThat(recreated.getCreateRevision()).isEqualTo(4);
        assertThat(recreated.getVersion()).isEqualTo(1);
    }

    @Test
    void aTransactionWithoutChangesKeepsTheRevision() {
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            assertThat(txn.deleteRange(KeyRange.single(bytes("missing")))).isEmpty();
            assertThat(txn.commit()).isEqualTo(1);
        }
        assertThat(store.currentRevision()).isEqualTo(1);
    }

    @Test
    void aTransactionClosedWithoutCommitLeavesNoTrace() {
        put("kept", "1");
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            txn.put(bytes("lost"), bytes("2"), 0);
            txn.deleteRange(KeyRange.single(bytes("kept")));
        }

        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(keys(store.range(KeyRange.of(bytes("a"), bytes("z")), 0, 0, false))).containsExactly("kept");
        assertThat(put("next", "3").getModRevision()).isEqualTo(3);
    }

    @Test
    void everythingCommittedSurvivesReopening() {
        put("a", "1");
        put("a", "2");
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            txn.deleteRange(KeyRange.single(bytes("a")));
            txn.put(bytes("b"), bytes("3"), 0);
            txn.commit();
        }
        store.close();

        store = MvccStore.open(dir.resolve("kv.db"));

        assertThat(store.currentRevision()).isEqualTo(4);
        assertThat(keys(store.range(KeyRange.of(bytes("a"), bytes("z")), 0, 0, false))).containsExactly("b");
        assertThat(values(store.range(KeyRange.single(bytes("a")), 3, 0, false))).containsExactly("2");
        assertThat(store.liveKeyCount()).isEqualTo(1);
        assertThat(put("a", "4").getVersion()).as("a new life after the delete").isEqualTo(1);
        assertThat(store.liveKeyCount()).isEqualTo(2);
    }

    @Test
    void bucketWritesCommitWithTheirTransactionAndSurviveAReopen() {
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            txn.putInBucket(Bucket.MEMBERS, new byte[] {1}, new byte[] {10});
            txn.putInBucket(Bucket.MEMBERS, new byte[] {2}, new byte[] {20});
            txn.commit();
        }
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            txn.deleteFromBucket(Bucket.MEMBERS, new byte[] {1});
            txn.putInBucket(Bucket.MEMBERS, new byte[] {3}, new byte[] {30});
            // closed without commit: neither change happens
        }
        assertThat(store.bucket(Bucket.MEMBERS)).containsOnlyKeys(ByteString.copyFrom(new byte[] {1}),
                ByteString.copyFrom(new byte[] {2}));
        assertThat(store.applied().index()).as("the abandoned transaction's entry still counts as applied")
                .isEqualTo(nextIndex);

        store.close();
        store = MvccStore.open(dir.resolve("kv.db"));

        assertThat(store.bucket(Bucket.MEMBERS).get(ByteString.copyFrom(new byte[] {2})))
                .isEqualTo(ByteString.copyFrom(new byte[] {20}));
        assertThat(store.bucket(Bucket.LEASES)).isEmpty();
        assertThat(store.currentRevision()).as("bucket writes make no revision").isEqualTo(1);
    }

    private KeyValue put(String key, String value) {
        try (WriteTxn txn = store.beginWrite(nextPosition())) {
            KeyValue kv = txn.put(bytes(key), bytes(value), 0);
            txn.commit();
            return kv;
        }
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

    private static List<String> values(RangeResult result) {
        return result.kvs().stream().map(kv -> kv.getValue().toStringUtf8()).toList();
    }
}
