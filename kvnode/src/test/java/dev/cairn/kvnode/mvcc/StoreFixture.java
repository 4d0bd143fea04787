package dev.cairn.kvnode.mvcc;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Drives a store the way the node loop does: one write per Raft entry, entries numbered from 1. */
final class StoreFixture {
    static final KeyRange ALL = KeyRange.of(ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}));

    private StoreFixture() {
    }

    /** A put or a delete of one key. */
    record Op(String key, String value) {
        boolean isDelete() {
            return value == null;
        }
    }

    /** Random puts and deletes over a few keys, so keys live, die and come back. */
    static List<Op> randomOps(Random random, int count, int keys) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "k" + random.nextInt(keys);
            ops.add(random.nextInt(4) == 0 ? new Op(key, null) : new Op(key, "v" + i));
        }
        return ops;
    }

    /** Applies {@code op} as the entry at {@code index}. */
    static void apply(MvccStore store, Op op, long index) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(index, 1))) {
            if (op.isDelete()) {
                txn.deleteRange(KeyRange.single(bytes(op.key())));
            } else {
                txn.put(bytes(op.key()), bytes(op.value()), 0);
            }
            txn.commit();
        }
    }

    /** Every key live at {@code revision}, with all its fields, as a comparable list. */
    static List<KeyValue> everything(MvccStore store, long revision) {
        return store.range(ALL, revision, 0, false).kvs();
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
