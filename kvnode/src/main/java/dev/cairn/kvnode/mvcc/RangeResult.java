package dev.cairn.kvnode.mvcc;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.List;

/**
 * Keys found by a range read: {@code kvs} holds at most the limit asked for, {@code count} every key that matched,
 * {@code storeRevision} the store's revision when it was read (what the response header reports).
 */
public record RangeResult(List<KeyValue> kvs, long count, long storeRevision) {
}
