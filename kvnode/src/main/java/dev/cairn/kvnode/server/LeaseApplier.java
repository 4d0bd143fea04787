package dev.cairn.kvnode.server;

import dev.cairn.kvnode.lease.LeaseCheckpoint;
import dev.cairn.kvnode.lease.LeaseException;
import dev.cairn.kvnode.lease.Lessor;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseCheckpointRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseCheckpointResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import java.util.function.LongFunction;

/**
 * Applies committed lease entries through the {@link Lessor}, each in the store transaction of its entry, and answers
 * them as etcd does: with the store's revision after the entry, or with etcd's lease error.
 */
public final class LeaseApplier {
    private final MvccStore store;
    private final Lessor lessor;
    private final LongFunction<ResponseHeader> headers;

    public LeaseApplier(MvccStore store, Lessor lessor, LongFunction<ResponseHeader> headers) {
        this.store = store;
        this.lessor = lessor;
        this.headers = headers;
    }

    public LeaseGrantResponse grant(WriteTxn txn, LeaseGrantRequest request) {
        long ttl = refusedAsKvError(() -> lessor.grant(txn, request.getID(), request.getTTL()));
        return LeaseGrantResponse.newBuilder().setHeader(header()).setID(request.getID()).setTTL(ttl).build();
    }

    public LeaseRevokeResponse revoke(WriteTxn txn, LeaseRevokeRequest request) {
        refusedAsKvError(() -> {
            lessor.revoke(txn, request.getID());
            return null;
        });
        return LeaseRevokeResponse.newBuilder().setHeader(header()).build();
    }

    public LeaseCheckpointResponse checkpoint(WriteTxn txn, LeaseCheckpointRequest request) {
        lessor.checkpoint(txn, request.getCheckpointsList().stream()
                .map(checkpoint -> new LeaseCheckpoint(checkpoint.getID(), checkpoint.getRemainingTTL())).toList());
        return LeaseCheckpointResponse.newBuilder().setHeader(header()).build();
    }

    /** etcd's error for a refused lease operation. */
    static KvException asKvError(LeaseException refused) {
        return switch (refused.reason()) {
            case NOT_FOUND -> KvError.LEASE_NOT_FOUND.exception();
            case ALREADY_EXISTS -> KvError.LEASE_EXISTS.exception();
            case TTL_TOO_LARGE -> KvError.LEASE_TTL_TOO_LARGE.exception();
            // etcd's ErrNotPrimary is not one a client can act on; leader changed is, and it retries.
            case NOT_PRIMARY -> KvError.LEADER_CHANGED.exception();
        };
    }

    private ResponseHeader header() {
        return headers.apply(store.currentRevision());
    }

    private static <T> T refusedAsKvError(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (LeaseException refused) {
            throw asKvError(refused);
        }
    }
}
