package dev.cairn.kvnode.api;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.server.KvError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Transactions for the bad-input property: a well-formed transaction with at most one fault planted in it, so that
 * etcd's answer is known by construction. A fault that depends on the store (a revision, a lease, a missing key) is
 * planted in both branches, nested transactions included, so it is met whichever way the guards go.
 *
 * <p>Well-formed parts never collide: puts take fresh keys under {@code t/}, deletes work under {@code d/}.
 */
final class BadTxns {
    /** What a generated transaction should get: a success, or this error. */
    record Planted(TxnRequest txn, String fault, KvError error) {
    }

    /** The store as the generator needs to know it. */
    record StoreView(long revision, long compactRevision, long longLease, LongSupplier unknownLease) {
    }

    private static final int MAX_TXN_OPS = 128;
    private static final int MAX_REQUEST_BYTES = 1536 * 1024;

    private final Random random;
    private long fresh;

    BadTxns(Random random) {
        this.random = random;
    }

    Planted next(StoreView store) {
        int fault = random.nextInt(16);
        return switch (fault) {
            case 0 -> tooManyOps();
            case 1 -> nestedOverBudget();
            case 2 -> new Planted(withGuard(Compare.newBuilder().setTarget(Compare.CompareTarget.VERSION).build()),
                    "compare without a key", KvError.EMPTY_KEY);
            case 3 -> new Planted(anywhere(emptyKeyOp()), "operation without a key", KvError.EMPTY_KEY);
            case 4 -> new Planted(anywhere(RequestOp.getDefaultInstance()), "empty operation",
                    KvError.KEY_NOT_FOUND);
            case 5 -> new Planted(anywhere(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder()
                    .setKey(key("r")).setSortTargetValue(5 + random.nextInt(50))).build()), "unknown sort target",
                    KvError.INVALID_SORT_OPTION);
            case 6 -> new Planted(anywhere(put(PutRequest.newBuilder().setKey(freshKey()).setIgnoreValue(true)
                    .setValue(key("x")))), "ignore_value with a value", KvError.VALUE_PROVIDED);
            case 7 -> new Planted(anywhere(put(PutRequest.newBuilder().setKey(freshKey()).setIgnoreLease(true)
                    .setLease(1 + random.nextInt(1000)))), "ignore_lease with a lease", KvError.LEASE_PROVIDED);
            case 8 -> duplicatePut();
            case 9 -> new Planted(anywhere(put(PutRequest.newBuilder().setKey(freshKey())
                    .setValue(ByteString.copyFrom(new byte[MAX_REQUEST_BYTES + 1 + random.nextInt(64 * 1024)])))),
                    "value over --max-request-bytes", KvError.REQUEST_TOO_LARGE);
            case 10 -> new Planted(onEveryPath(range(store.revision() + 1 + random.nextInt(1000))),
                    "read at a future revision", KvError.FUTURE_REVISION);
            case 11 -> store.compactRevision() > 1
                    ? new Planted(onEveryPath(range(1 + (long) random.nextInt((int) store.compactRevision() - 1))),
                            "read at a compacted revision", KvError.COMPACTED_REVISION)
                    : new Planted(wellFormed(0, store), "nothing wrong", null);
            case 12 -> new Planted(onEveryPath(put(PutRequest.newBuilder().setKey(freshKey()).setValue(key("v"))
                    .setLease(store.unknownLease().getAsLong()))), "put with an unknown lease",
                    KvError.LEASE_NOT_FOUND);
            case 13 -> new Planted(onEveryPath(put(PutRequest.newBuilder().setKey(freshKey()).setIgnoreValue(true))),
                    "ignore_value on a missing key", KvError.KEY_NOT_FOUND);
            case 14 -> new Planted(withGuard(unknownGuard()), "guard with an unknown target or result", null);
            default -> new Planted(wellFormed(0, store), "nothing wrong", null);
        };
    }

    private Planted tooManyOps() {
        List<RequestOp> ops = Collections.nCopies(MAX_TXN_OPS + 1 + random.nextInt(20), range(0));
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        switch (random.nextInt(3)) {
            case 0 -> txn.addAllSuccess(ops);
            case 1 -> txn.addAllFailure(ops);
            default -> txn.addAllCompare(Collections.nCopies(ops.size(), Compare.newBuilder().setKey(key("c"))
                    .build()));
        }
        return new Planted(txn.build(), ops.size() + " operations", KvError.TOO_MANY_OPS);
    }

    /** A nested transaction within the top-level limit, but over what its parent left of it. */
    private Planted nestedOverBudget() {
        int parentOps = 2 + random.nextInt(60);
        int nestedOps = MAX_TXN_OPS - parentOps + 1 + random.nextInt(5);
        TxnRequest nested = TxnRequest.newBuilder().addAllSuccess(Collections.nCopies(nestedOps, range(0))).build();
        List<RequestOp> parent = new ArrayList<>(Collections.nCopies(parentOps - 1, range(0)));
        parent.add(random.nextInt(parent.size() + 1), txnOp(nested));
        return new Planted(TxnRequest.newBuilder().addAllFailure(parent).build(),
                "nested transaction of " + nestedOps + " under " + parentOps, KvError.TOO_MANY_OPS);
    }

    private Planted duplicatePut() {
        ByteString key = freshKey();
        RequestOp put = put(PutRequest.newBuilder().setKey(key).setValue(key("v")));
        TxnRequest txn = switch (random.nextInt(4)) {
            case 0 -> TxnRequest.newBuilder().addSuccess(put).addSuccess(range(0)).addSuccess(put).build();
            case 1 -> TxnRequest.newBuilder().addFailure(RequestOp.newBuilder().setRequestDeleteRange(
                    DeleteRangeRequest.newBuilder().setKey(key("t/")).setRangeEnd(key("t0"))).build())
                    .addFailure(put).build();
            case 2 -> TxnRequest.newBuilder().addSuccess(put).addSuccess(txnOp(TxnRequest.newBuilder()
                    .addFailure(put).build())).build();
            default -> TxnRequest.newBuilder().addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(put).build()))
                    .addSuccess(txnOp(TxnRequest.newBuilder().addFailure(put).build())).build();
        };
        return new Planted(txn, "key written twice in one branch", KvError.DUPLICATE_KEY);
    }

    private TxnRequest withGuard(Compare guard) {
        TxnRequest base = wellFormed(0, null);
        List<Compare> guards = new ArrayList<>(base.getCompareList());
        guards.add(random.nextInt(guards.size() + 1), guard.toBuilder().setRangeEnd(ByteString.EMPTY).build());
        return base.toBuilder().clearCompare().addAllCompare(guards).build();
    }

    private Compare unknownGuard() {
        Compare.Builder guard = Compare.newBuilder().setKey(key(random.nextBoolean() ? "a" : "t/none"))
                .setVersion(random.nextInt(3));
        if (random.nextBoolean()) {
            guard.setTargetValue(5 + random.nextInt(100)).setResultValue(random.nextInt(4));
        } else {
            guard.setTargetValue(random.nextInt(5)).setResultValue(random.nextBoolean() ? -1 - random.nextInt(9)
                    : 4 + random.nextInt(100));
        }
        return guard.build();
    }

    /** {@code op} in one of the lists of a well-formed transaction, maybe nested: a fault found by shape alone. */
    private TxnRequest anywhere(RequestOp op) {
        TxnRequest base = wellFormed(0, null);
        if (random.nextInt(3) == 0) {
            TxnRequest nested = insert(wellFormed(1, null), op, random.nextBoolean());
            return insert(base, txnOp(nested), random.nextBoolean());
        }
        return insert(base, op, random.nextBoolean());
    }

    /** {@code op} in both branches, or in both branches of a nested transaction in both branches. */
    private TxnRequest onEveryPath(RequestOp op) {
        RequestOp planted = op;
        if (random.nextInt(3) == 0) {
            planted = txnOp(insert(insert(wellFormed(1, null), op, true), op, false));
        }
        return insert(insert(wellFormed(0, null), planted, true), planted, false);
    }

    private TxnRequest insert(TxnRequest txn, RequestOp op, boolean success) {
        List<RequestOp> ops = new ArrayList<>(success ? txn.getSuccessList() : txn.getFailureList());
        ops.add(random.nextInt(ops.size() + 1), op);
        TxnRequest.Builder changed = txn.toBuilder();
        if (success) {
            changed.clearSuccess().addAllSuccess(ops);
        } else {
            changed.clearFailure().addAllFailure(ops);
        }
        return changed.build();
    }

    /** A transaction etcd accepts: guards, reads, puts of fresh keys, deletes under d/, a nested one or two. */
    TxnRequest wellFormed(int depth, StoreView store) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = random.nextInt(3); i > 0; i--) {
            txn.addCompare(guard());
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            txn.addSuccess(wellFormedOp(depth, store));
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            txn.addFailure(wellFormedOp(depth, store));
        }
        return txn.build();
    }

    private RequestOp wellFormedOp(int depth, StoreView store) {
        int kind = random.nextInt(depth < 2 ? 10 : 9);
        if (kind < 3) {
            long revision = store == null || random.nextBoolean() ? 0
                    : Math.max(1, store.compactRevision()) + (long) random.nextInt((int) Math.max(1,
                            store.revision() - Math.max(1, store.compactRevision()) + 1));
            return range(Math.min(revision, store == null ? 0 : store.revision()));
        }
        if (kind < 6) {
            PutRequest.Builder put = PutRequest.newBuilder().setKey(freshKey()).setValue(key("v" + random.nextInt()))
                    .setPrevKv(random.nextBoolean());
            if (store != null && random.nextInt(4) == 0) {
                put.setLease(store.longLease());
            }
            return put(put);
        }
        if (kind < 9) {
            DeleteRangeRequest.Builder delete = DeleteRangeRequest.newBuilder().setKey(key("d/" + random.nextInt(5)))
                    .setPrevKv(random.nextBoolean());
            if (random.nextBoolean()) {
                delete.setRangeEnd(key("d/" + random.nextInt(9)));
            }
            return RequestOp.newBuilder().setRequestDeleteRange(delete).build();
        }
        return txnOp(wellFormed(depth + 1, store));
    }

    private Compare guard() {
        Compare.Builder guard = Compare.newBuilder().setKey(key(random.nextBoolean() ? "a" : "t/" + random.nextInt(9)))
                .setResultValue(random.nextInt(4)).setTargetValue(random.nextInt(5));
        switch (guard.getTarget()) {
            case VALUE -> guard.setValue(key("v"));
            case LEASE -> guard.setLease(random.nextInt(3));
            case CREATE -> guard.setCreateRevision(random.nextInt(20));
            case MOD -> guard.setModRevision(random.nextInt(20));
            default -> guard.setVersion(random.nextInt(3));
        }
        if (random.nextInt(4) == 0) {
            guard.setRangeEnd(key("t0"));
        }
        return guard.build();
    }

    private RequestOp emptyKeyOp() {
        return switch (random.nextInt(3)) {
            case 0 -> RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setRangeEnd(key("z"))).build();
            case 1 -> put(PutRequest.newBuilder().setValue(key("v")));
            default -> RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.getDefaultInstance()).build();
        };
    }

    private ByteString freshKey() {
        return key("t/" + fresh++);
    }

    private static RequestOp range(long revision) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key("a"))
                .setRangeEnd(key("z")).setRevision(revision)).build();
    }

    private static RequestOp put(PutRequest.Builder put) {
        return RequestOp.newBuilder().setRequestPut(put).build();
    }

    private static RequestOp txnOp(TxnRequest txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static ByteString key(String text) {
        return ByteString.copyFromUtf8(text);
    }
}
