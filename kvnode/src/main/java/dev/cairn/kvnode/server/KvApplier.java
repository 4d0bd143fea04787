package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.lease.KeyLeaseChanges;
import dev.cairn.kvnode.lease.Lessor;
import dev.cairn.kvnode.mvcc.CompactedRevisionException;
import dev.cairn.kvnode.mvcc.FutureRevisionException;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.RangeResult;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Carries out KV requests against the MVCC store with etcd's semantics. Requests arrive already checked for shape
 * ({@code RequestChecks}); what is left to refuse here depends on the store's state (a missing key for ignore_value,
 * a revision not reached yet). Every write request is one store transaction, so it is all-or-nothing.
 *
 * <p>Writes run in a store transaction the caller opens for the Raft entry being applied; reads run directly. The
 * keys a write attaches to or detaches from leases are handed to the {@link Lessor} once it has committed.
 */
public final class KvApplier {
    private final MvccStore store;
    private final Lessor lessor;
    private final LongFunction<ResponseHeader> headers;

    public KvApplier(MvccStore store, Lessor lessor, LongFunction<ResponseHeader> headers) {
        this.store = store;
        this.lessor = lessor;
        this.headers = headers;
    }

    public RangeResponse range(RangeRequest request) {
        RangeResult found = storeRange(rangeOf(request.getKey(), request.getRangeEnd()), request.getRevision(),
                storeLimit(request), request.getCountOnly());
        // The header names the revision the read saw, not whatever the store reached after it (a write may have
        // been applied in between, and a client pairing the data with a newer revision would be misled).
        return shapeRange(request, found).setHeader(headers.apply(found.storeRevision())).build();
    }

    /** Applies a put in {@code txn} and commits it; on an error the caller's close of {@code txn} undoes it. */
    public PutResponse put(WriteTxn txn, PutRequest request) {
        // A put on its own looks its lease up before the key it may need (etcd's Put); in a transaction the key comes
        // first (etcd's checkRequestPut), see checkPathAgainstState.
        if (request.getLease() != Lessor.NO_LEASE && !lessor.exists(request.getLease())) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        KeyLeaseChanges leases = new KeyLeaseChanges();
        PutResponse.Builder response = applyPut(txn, request, leases);
        return response.setHeader(headers.apply(commit(txn, leases))).build();
    }

    public DeleteRangeResponse deleteRange(WriteTxn txn, DeleteRangeRequest request) {
        KeyLeaseChanges leases = new KeyLeaseChanges();
        DeleteRangeResponse.Builder response = applyDelete(txn, request, leases);
        return response.setHeader(headers.apply(commit(txn, leases))).build();
    }

    public TxnResponse txn(WriteTxn txn, TxnRequest request) {
        KeyLeaseChanges leases = new KeyLeaseChanges();
        // As etcd does, every guard on the way the transaction will go, nested ones included, is decided before
        // anything is written, and so is everything that could refuse it: a nested guard never sees the writes of
        // its enclosing branch, and a refused transaction has written nothing.
        List<Boolean> path = new ArrayList<>();
        choosePath(txn, request, path);
        checkPathAgainstState(txn, request, path.iterator());
        TxnResponse.Builder response = applyTxn(txn, request, path.iterator(), leases);
        long revision = commit(txn, leases);
        stampRevision(response, revision);
        return response.setHeader(headers.apply(revision)).build();
    }

    private long commit(WriteTxn txn, KeyLeaseChanges leases) {
        long revision = txn.commit();
        lessor.keysChanged(leases);
        return revision;
    }

    private PutResponse.Builder applyPut(WriteTxn txn, PutRequest request, KeyLeaseChanges leases) {
        KeyValue previous = null;
        if (request.getPrevKv() || request.getIgnoreValue() || request.getIgnoreLease()) {
            List<KeyValue> existing = txn.range(KeyRange.single(request.getKey()), 0, false).kvs();
            previous = existing.isEmpty() ? null : existing.get(0);
        }
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && previous == null) {
            throw KvError.KEY_NOT_FOUND.exception();
        }
        ByteString value = request.getIgnoreValue() ? previous.getValue() : request.getValue();
        long lease = request.getIgnoreLease() ? previous.getLease() : request.getLease();
        if (lease != Lessor.NO_LEASE && !lessor.exists(lease)) {
            throw KvError.LEASE_NOT_FOUND.exception();
        }
        txn.put(request.getKey(), value, lease);
        leases.put(request.getKey(), lease);
        PutResponse.Builder response = PutResponse.newBuilder();
        if (request.getPrevKv() && previous != null) {
            response.setPrevKv(previous);
        }
        return response;
    }

    private DeleteRangeResponse.Builder applyDelete(WriteTxn txn, DeleteRangeRequest request,
            KeyLeaseChanges leases) {
        List<KeyValue> deleted = txn.deleteRange(rangeOf(request.getKey(), request.getRangeEnd()));
        for (KeyValue kv : deleted) {
            if (kv.getLease() != Lessor.NO_LEASE) {
                leases.deleted(kv.getKey());
            }
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(deleted.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(deleted);
        }
        return response;
    }

    /** The outcome of each transaction's guards on the way taken, in the order they are met (etcd's txnPath). */
    private void choosePath(WriteTxn txn, TxnRequest request, List<Boolean> path) {
        boolean succeeded = request.getCompareList().stream().allMatch(compare -> holds(txn, compare));
        path.add(succeeded);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            if (op.hasRequestTxn()) {
                choosePath(txn, op.getRequestTxn(), path);
            }
        }
    }

    private TxnResponse.Builder applyTxn(WriteTxn txn, TxnRequest request, Iterator<Boolean> path,
            KeyLeaseChanges leases) {
        boolean succeeded = path.next();
        List<RequestOp> branch = succeeded ? request.getSuccessList() : request.getFailureList();
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : branch) {
            response.addResponses(execute(txn, op, path, leases));
        }
        return response;
    }

    private ResponseOp execute(WriteTxn txn, RequestOp op, Iterator<Boolean> path, KeyLeaseChanges leases) {
        // Filled in with the transaction's revision once it has committed (stampRevision).
        ResponseHeader innerHeader = ResponseHeader.getDefaultInstance();
        return switch (op.getRequestCase()) {
            case REQUEST_RANGE -> {
                RangeRequest range = op.getRequestRange();
                KeyRange keys = rangeOf(range.getKey(), range.getRangeEnd());
                // A read at an explicit revision sees history; without one it sees this transaction's writes.
                RangeResult found = range.getRevision() > 0
                        ? storeRange(keys, range.getRevision(), storeLimit(range), range.getCountOnly())
                        : txn.range(keys, storeLimit(range), range.getCountOnly());
                yield ResponseOp.newBuilder().setResponseRange(shapeRange(range, found).setHeader(innerHeader)).build();
            }
            case REQUEST_PUT -> ResponseOp.newBuilder()
                    .setResponsePut(applyPut(txn, op.getRequestPut(), leases).setHeader(innerHeader)).build();
            case REQUEST_DELETE_RANGE -> ResponseOp.newBuilder()
                    .setResponseDeleteRange(applyDelete(txn, op.getRequestDeleteRange(), leases)
                            .setHeader(innerHeader)).build();
            case REQUEST_TXN -> ResponseOp.newBuilder()
                    .setResponseTxn(applyTxn(txn, op.getRequestTxn(), path, leases).setHeader(innerHeader)).build();
            case REQUEST_NOT_SET -> throw KvError.EMPTY_KEY.exception();
        };
    }

    /** etcd's responses inside a transaction carry a header with just the revision the transaction ended at. */
    private static void stampRevision(TxnResponse.Builder response, long revision) {
        for (ResponseOp.Builder op : response.getResponsesBuilderList()) {
            ResponseHeader header = ResponseHeader.newBuilder().setRevision(revision).build();
            switch (op.getResponseCase()) {
                case RESPONSE_RANGE -> op.getResponseRangeBuilder().setHeader(header);
                case RESPONSE_PUT -> op.getResponsePutBuilder().setHeader(header);
                case RESPONSE_DELETE_RANGE -> op.getResponseDeleteRangeBuilder().setHeader(header);
                case RESPONSE_TXN -> {
                    op.getResponseTxnBuilder().setHeader(header);
                    stampRevision(op.getResponseTxnBuilder(), revision);
                }
                case RESPONSE_NOT_SET -> {
                }
            }
        }
    }

    /**
     * Refuses a transaction that cannot succeed, before any of it is applied, as etcd's checkTxn does: first every put
     * on the way taken (ignore_value or ignore_lease on a key that does not exist; an unknown lease), then every read
     * on it (a revision not reached yet, or compacted away).
     */
    private void checkPathAgainstState(WriteTxn txn, TxnRequest request, Iterator<Boolean> path) {
        List<RequestOp> onPath = new ArrayList<>();
        opsOnPath(request, path, onPath);
        for (RequestOp op : onPath) {
            if (op.hasRequestPut()) {
                PutRequest put = op.getRequestPut();
                if ((put.getIgnoreValue() || put.getIgnoreLease())
                        && txn.range(KeyRange.single(put.getKey()), 0, true).count() == 0) {
                    throw KvError.KEY_NOT_FOUND.exception();
                }
                if (put.getLease() != Lessor.NO_LEASE && !lessor.exists(put.getLease())) {
                    throw KvError.LEASE_NOT_FOUND.exception();
                }
            }
        }
        for (RequestOp op : onPath) {
            long revision = op.hasRequestRange() ? op.getRequestRange().getRevision() : 0;
            if (revision > store.currentRevision()) {
                throw KvError.FUTURE_REVISION.exception();
            }
            if (revision > 0 && revision < store.compactRevision()) {
                throw KvError.COMPACTED_REVISION.exception();
            }
        }
    }

    private static void opsOnPath(TxnRequest request, Iterator<Boolean> path, List<RequestOp> onPath) {
        for (RequestOp op : path.next() ? request.getSuccessList() : request.getFailureList()) {
            if (op.hasRequestTxn()) {
                opsOnPath(op.getRequestTxn(), path, onPath);
            } else {
                onPath.add(op);
            }
        }
    }

    private RangeResult storeRange(KeyRange keys, long revision, long limit, boolean countOnly) {
        try {
            return store.range(keys, revision, limit, countOnly);
        } catch (FutureRevisionException e) {
            throw KvError.FUTURE_REVISION.exception();
        } catch (CompactedRevisionException e) {
            throw KvError.COMPACTED_REVISION.exception();
        }
    }

    private boolean holds(WriteTxn txn, Compare compare) {
        List<KeyValue> kvs = txn.range(rangeOf(compare.getKey(), compare.getRangeEnd()), 0, false).kvs();
        if (kvs.isEmpty()) {
            // A missing key compares as zero in every field; its value compares as nothing at all.
            return compare.getTarget() != Compare.CompareTarget.VALUE
                    && CompareEvaluator.holds(compare, KeyValue.getDefaultInstance());
        }
        return kvs.stream().allMatch(kv -> CompareEvaluator.holds(compare, kv));
    }

    /** What the store must fetch: everything when results are filtered or sorted afterwards, else one past the limit. */
    private static long storeLimit(RangeRequest request) {
        boolean postProcessed = request.getSortOrder() != RangeRequest.SortOrder.NONE
                || request.getSortTarget() != RangeRequest.SortTarget.KEY
                || request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
                || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;
        if (postProcessed || request.getLimit() <= 0) {
            return 0;
        }
        return request.getLimit() + 1;
    }

    private static RangeResponse.Builder shapeRange(RangeRequest request, RangeResult found) {
        List<KeyValue> kvs = RangeShaper.filterAndSort(request, new ArrayList<>(found.kvs()));
        RangeResponse.Builder response = RangeResponse.newBuilder().setCount(found.count());
        if (request.getLimit() > 0 && kvs.size() > request.getLimit()) {
            kvs = kvs.subList(0, (int) request.getLimit());
            response.setMore(true);
        }
        for (KeyValue kv : kvs) {
            response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return response;
    }

    private static KeyRange rangeOf(ByteString key, ByteString rangeEnd) {
        return KeyRange.of(key, rangeEnd);
    }
}
