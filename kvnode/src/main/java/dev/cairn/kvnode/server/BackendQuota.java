package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import java.util.List;

/**
 * etcd's backend quota: a request that would add data is not admitted when the backend file plus what the request
 * costs reaches the quota (the server then raises the NOSPACE alarm and refuses it). Requests that add nothing —
 * reads, deletes, compaction — always pass, so a full member can still be cleaned up.
 */
final class BackendQuota {
    /** etcd's estimate of what storing one key costs beyond its key and value bytes. */
    private static final long KV_OVERHEAD = 256;

    private final MvccStore store;
    private final long quotaBytes;

    BackendQuota(MvccStore store, long quotaBytes) {
        this.store = store;
        this.quotaBytes = quotaBytes;
    }

    boolean admits(PutRequest put) {
        return admits(cost(put));
    }

    boolean admits(TxnRequest txn) {
        return admits(cost(txn));
    }

    long quotaBytes() {
        return quotaBytes;
    }

    private boolean admits(long cost) {
        return cost == 0 || store.sizeBytes() + cost < quotaBytes;
    }

    /** Whether applying {@code txn} could store anything: etcd's capped applier refuses such a transaction. */
    static boolean addsData(TxnRequest txn) {
        return cost(txn) > 0;
    }

    private static long cost(PutRequest put) {
        return KV_OVERHEAD + put.getKey().size() + put.getValue().size();
    }

    /** Only one branch runs, so a transaction costs what its dearer branch costs. */
    private static long cost(TxnRequest txn) {
        return Math.max(cost(txn.getSuccessList()), cost(txn.getFailureList()));
    }

    private static long cost(List<RequestOp> ops) {
        long total = 0;
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                total += cost(op.getRequestPut());
            } else if (op.hasRequestTxn()) {
                total += cost(op.getRequestTxn());
            }
        }
        return total;
    }
}
