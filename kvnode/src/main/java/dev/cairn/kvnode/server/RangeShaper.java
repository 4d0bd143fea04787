package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/** Applies a range request's revision filters and sort order to what the store found, as etcd does after reading. */
final class RangeShaper {
    private RangeShaper() {
    }

    static List<KeyValue> filterAndSort(RangeRequest request, List<KeyValue> kvs) {
        keepWithin(kvs, KeyValue::getModRevision, request.getMinModRevision(), request.getMaxModRevision());
        keepWithin(kvs, KeyValue::getCreateRevision, request.getMinCreateRevision(), request.getMaxCreateRevision());
        RangeRequest.SortOrder order = request.getSortOrder();
        if (order == RangeRequest.SortOrder.NONE && request.getSortTarget() != RangeRequest.SortTarget.KEY) {
            // etcd: a sort target without an order means ascending.
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order == RangeRequest.SortOrder.NONE) {
            return kvs;
        }
        Comparator<KeyValue> comparator = comparatorFor(request.getSortTarget());
        kvs.sort(order == RangeRequest.SortOrder.DESCEND ? comparator.reversed() : comparator);
        return kvs;
    }

    private static void keepWithin(List<KeyValue> kvs, ToLongFunction<KeyValue> field, long min, long max) {
        if (min != 0) {
            kvs.removeIf(kv -> field.applyAsLong(kv) < min);
        }
        if (max != 0) {
            kvs.removeIf(kv -> field.applyAsLong(kv) > max);
        }
    }

    private static Comparator<KeyValue> comparatorFor(RangeRequest.SortTarget target) {
        Comparator<ByteString> bytes = ByteString.unsignedLexicographicalComparator();
        return switch (target) {
            case KEY, UNRECOGNIZED -> Comparator.comparing(KeyValue::getKey, bytes);
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> Comparator.comparing(KeyValue::getValue, bytes);
        };
    }
}
