package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index answers one key by hash and ranges by key order; both views must stay the same set of histories. */
class KeyIndexTest {
    private final KeyIndex index = new KeyIndex();

    @Test
    void aKeyCompactedAwayAndWrittenAgainStartsANewHistoryInBothViews() {
        index.put(key("a"), new Revision(2, 0));
        index.put(key("b"), new Revision(3, 0));
        index.tombstone(key("a"), new Revision(4, 0));
        index.compact(5);

        assertThat(index.latest(key("a"))).isNull();
        assertThat(index.histories(KeyRange.single(key("a")))).isEmpty();
        assertThat(index.histories(KeyRange.of(key("a"), key("c")))).hasSize(1);

        index.put(key("a"), new Revision(5, 0));

        assertThat(index.latest(key("a"))).isEqualTo(new KeyHistory.Snapshot(new Revision(5, 0), 5, 1));
        assertThat(index.histories(KeyRange.of(key("a"), key("c"))))
                .containsExactlyElementsOf(List.of(only(key("a")), only(key("b"))));
        assertThat(index.liveKeys()).isEqualTo(2);
    }

    /**
     * Keys a to e inserted in order put d in a tree node with two children; removing such a node moves its
     * successor's key (e) into the removed entry, so a compaction that read the key after removing forgot e.
     */
    @Test
    void compactingAwayAKeyWithNeighboursOnBothSidesKeepsEveryOtherKey() {
        long revision = 2;
        for (String key : List.of("a", "b", "c", "d", "e")) {
            index.put(key(key), new Revision(revision++, 0));
        }
        index.tombstone(key("d"), new Revision(revision++, 0));
        index.compact(revision);

        for (String key : List.of("a", "b", "c", "e")) {
            assertThat(index.latest(key(key))).as(key).isNotNull();
            assertThat(index.histories(KeyRange.single(key(key)))).as(key).hasSize(1);
        }
        assertThat(index.latest(key("d"))).isNull();
        assertThat(index.histories(KeyRange.of(key("a"), ByteString.copyFrom(new byte[] {0})))).hasSize(4);
    }

    @Test
    void aSingleKeyIsFoundWhateverByteStringHoldsIt() {
        index.put(ByteString.copyFromUtf8("prefix/key").substring(7), new Revision(2, 0));

        assertThat(index.latest(key("key"))).isNotNull();
        assertThat(index.histories(KeyRange.single(key("key")))).hasSize(1);
        assertThat(index.histories(KeyRange.single(key("ke")))).isEmpty();
    }

    @Test
    void clearEmptiesBothViews() {
        index.put(key("a"), new Revision(2, 0));
        index.clear();

        assertThat(index.latest(key("a"))).isNull();
        assertThat(index.histories(KeyRange.of(key("a"), ByteString.copyFrom(new byte[] {0})))).isEmpty();
    }

    private KeyHistory only(ByteString key) {
        return index.histories(KeyRange.single(key)).iterator().next();
    }

    private static ByteString key(String key) {
        return ByteString.copyFromUtf8(key);
    }
}
