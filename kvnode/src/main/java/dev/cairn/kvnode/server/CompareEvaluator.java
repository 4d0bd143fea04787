package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;

/**
 * Decides one transaction guard against one key, as etcd compares: numbers as signed, values as unsigned bytes.
 *
 * <p>A guard naming a target or result this version does not know is not refused (it is already committed when it
 * is evaluated, so refusing would have to happen on every member alike); like etcd, an unknown target compares as
 * equal and an unknown result holds.
 */
final class CompareEvaluator {
    private CompareEvaluator() {
    }

    static boolean holds(Compare compare, KeyValue kv) {
        int order = switch (compare.getTarget()) {
            case VERSION -> Long.compare(kv.getVersion(), compare.getVersion());
            case CREATE -> Long.compare(kv.getCreateRevision(), compare.getCreateRevision());
            case MOD -> Long.compare(kv.getModRevision(), compare.getModRevision());
            case LEASE -> Long.compare(kv.getLease(), compare.getLease());
            case VALUE -> compareBytes(kv.getValue(), compare.getValue());
            case UNRECOGNIZED -> 0;
        };
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case UNRECOGNIZED -> true;
        };
    }

    private static int compareBytes(ByteString left, ByteString right) {
        return ByteString.unsignedLexicographicalComparator().compare(left, right);
    }
}
