package dev.cairn.kvnode.api;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.server.KvError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes of a request's shape before it is proposed, refusing with etcd's own errors: a request
 * refused here never reaches the store.
 *
 * <p>A transaction is checked as etcd checks it, in two passes, so that a request with several faults gets the same
 * error from both: first the shape of every operation, nested transactions included (each nested level may use only
 * the operation budget its parent left over), then the overlap of writes within each branch.
 */
final class RequestChecks {
    private final int maxTxnOps;

    RequestChecks(int maxTxnOps) {
        this.maxTxnOps = maxTxnOps;
    }

    void checkRange(RangeRequest request) {
        requireKey(request.getKey());
        // An enum value this version does not know arrives as UNRECOGNIZED; etcd refuses it instead of guessing.
        if (request.getSortOrder() == RangeRequest.SortOrder.UNRECOGNIZED
                || request.getSortTarget() == RangeRequest.SortTarget.UNRECOGNIZED) {
            throw KvError.INVALID_SORT_OPTION.exception();
        }
    }

    void checkPut(PutRequest request) {
        requireKey(request.getKey());
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            throw KvError.VALUE_PROVIDED.exception();
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            throw KvError.LEASE_PROVIDED.exception();
        }
    }

    void checkDeleteRange(DeleteRangeRequest request) {
        requireKey(request.getKey());
    }

    void checkTxn(TxnRequest request) {
        checkTxnShape(request, maxTxnOps);
        writesOf(request.getSuccessList());
        writesOf(request.getFailureList());
    }

    /** {@code budget}: how many operations one list of this transaction may hold. */
    private void checkTxnShape(TxnRequest request, int budget) {
        int ops = Math.max(request.getCompareCount(), Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (ops > budget) {
            throw KvError.TOO_MANY_OPS.exception();
        }
        for (var compare : request.getCompareList()) {
            requireKey(compare.getKey());
        }
        checkOps(request.getSuccessList(), budget - ops);
        checkOps(request.getFailureList(), budget - ops);
    }

    private void checkOps(List<RequestOp> ops, int nestedBudget) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> checkRange(op.getRequestRange());
                case REQUEST_PUT -> checkPut(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
                case REQUEST_TXN -> checkTxnShape(op.getRequestTxn(), nestedBudget);
                // etcd's answer to an operation with nothing in it.
                case REQUEST_NOT_SET -> throw KvError.KEY_NOT_FOUND.exception();
            }
        }
    }

    /**
     * The keys one branch writes, refusing a branch whose result would depend on the order of its operations: a key
     * put twice, or put inside a range the branch deletes. Puts of nested transactions are checked, in order,
     * against the puts and deletes of the nested transactions before them and against this level's deletes; this
     * level's puts against everything. The two branches of one nested transaction are alternatives, so they may put
     * the same key, and a nested transaction's own deletes only count for what comes after it (all as etcd does).
     */
    private static Writes writesOf(List<RequestOp> ops) {
        Writes writes = new Writes(new HashSet<>(), new ArrayList<>());
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                writes.deletes.add(KeyRange.of(op.getRequestDeleteRange().getKey(),
                        op.getRequestDeleteRange().getRangeEnd()));
            }
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Writes success = writesOf(op.getRequestTxn().getSuccessList());
            Writes failure = writesOf(op.getRequestTxn().getFailureList());
            for (ByteString put : success.puts) {
                writes.addPut(put);
            }
            for (ByteString put : failure.puts) {
                if (!success.puts.contains(put)) {
                    writes.addPut(put);
                } else {
                    writes.requireNotDeleted(put);
                }
            }
            writes.deletes.addAll(success.deletes);
            writes.deletes.addAll(failure.deletes);
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                writes.addPut(op.getRequestPut().getKey());
            }
        }
        return writes;
    }

    private record Writes(Set<ByteString> puts, List<KeyRange> deletes) {
        void addPut(ByteString key) {
            requireNotDeleted(key);
            if (!puts.add(key)) {
                throw KvError.DUPLICATE_KEY.exception();
            }
        }

        void requireNotDeleted(ByteString key) {
            if (deletes.stream().anyMatch(range -> coversForOverlap(range, key))) {
                throw KvError.DUPLICATE_KEY.exception();
            }
        }
    }

    /**
     * Whether a delete of {@code range} counts as writing {@code key} for the overlap check. etcd reads the range
     * end here as a plain bound (an end of one zero byte is not "to the end of the keyspace", unlike when the range
     * is applied), so neither does this check.
     */
    private static boolean coversForOverlap(KeyRange range, ByteString key) {
        if (range.isSingleKey()) {
            return range.key().equals(key);
        }
        var order = ByteString.unsignedLexicographicalComparator();
        return order.compare(key, range.key()) >= 0 && order.compare(key, range.end()) < 0;
    }

    private static void requireKey(ByteString key) {
        if (key.isEmpty()) {
            throw KvError.EMPTY_KEY.exception();
        }
    }
}
