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
 */
final class RequestChecks {
    private final int maxTxnOps;

    RequestChecks(int maxTxnOps) {
        this.maxTxnOps = maxTxnOps;
    }

    void checkRange(RangeRequest request) {
        requireKey(request.getKey());
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
        if (request.getCompareCount() > maxTxnOps || request.getSuccessCount() > maxTxnOps
                || request.getFailureCount() > maxTxnOps) {
            throw KvError.TOO_MANY_OPS.exception();
        }
        for (var compare : request.getCompareList()) {
            requireKey(compare.getKey());
        }
        checkOps(request.getSuccessList());
        checkOps(request.getFailureList());
        writesOf(request.getSuccessList());
        writesOf(request.getFailureList());
    }

    private void checkOps(List<RequestOp> ops) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> checkRange(op.getRequestRange());
                case REQUEST_PUT -> checkPut(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
                case REQUEST_TXN -> checkTxn(op.getRequestTxn());
                case REQUEST_NOT_SET -> throw KvError.EMPTY_KEY.exception();
            }
        }
    }

    /**
     * The keys one branch writes, refusing a branch that writes a key twice (two puts, or a put inside a deleted
     * range), since the result would depend on the order of operations. The two branches of a nested transaction
     * are alternatives, so they may name the same key; both count against the enclosing branch.
     */
    private static Writes writesOf(List<RequestOp> ops) {
        Writes writes = new Writes(new HashSet<>(), new ArrayList<>());
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_PUT -> writes.addPut(op.getRequestPut().getKey());
                case REQUEST_DELETE_RANGE -> writes.deletes.add(
                        KeyRange.of(op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()));
                case REQUEST_TXN -> {
                    Writes success = writesOf(op.getRequestTxn().getSuccessList());
                    Writes failure = writesOf(op.getRequestTxn().getFailureList());
                    Set<ByteString> nestedPuts = new HashSet<>(success.puts);
                    nestedPuts.addAll(failure.puts);
                    nestedPuts.forEach(writes::addPut);
                    writes.deletes.addAll(success.deletes);
                    writes.deletes.addAll(failure.deletes);
                }
                default -> {
                }
            }
        }
        for (ByteString put : writes.puts) {
            if (writes.deletes.stream().anyMatch(range -> range.contains(put))) {
                throw KvError.DUPLICATE_KEY.exception();
            }
        }
        return writes;
    }

    private record Writes(Set<ByteString> puts, List<KeyRange> deletes) {
        void addPut(ByteString key) {
            if (!puts.add(key)) {
                throw KvError.DUPLICATE_KEY.exception();
            }
        }
    }

    private static void requireKey(ByteString key) {
        if (key.isEmpty()) {
            throw KvError.EMPTY_KEY.exception();
        }
    }
}
