package dev.cairn.kvnode.server;

import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionResponse;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The member's KV service behind the gRPC layer, as etcd's server runs it: writes go through Raft (propose, wait for
 * the entry to be applied, answer with what applying it gave); linearizable reads wait for a ReadIndex and then read
 * the local store; serializable reads read it at once. Every wait is bounded by the request timeout, after which the
 * client gets etcd's "request timed out" (the write may still be applied later, as with etcd).
 */
public final class KvServer {
    private final RaftNode node;
    private final KvApplier kv;
    private final BackendQuota quota;
    private final RequestDeadline deadline;
    private final Executor responders;

    /**
     * @param responders runs linearizable reads once their barrier passes, off the node loop
     */
    public KvServer(RaftNode node, KvApplier kv, MemberStorage storage, long quotaBytes, Duration requestTimeout,
            Executor responders) {
        this.node = node;
        this.kv = kv;
        this.quota = new BackendQuota(storage.store(), quotaBytes);
        this.deadline = new RequestDeadline(requestTimeout);
        this.responders = responders;
    }

    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        if (request.getSerializable()) {
            return CompletableFuture.completedFuture(kv.range(request));
        }
        return deadline.bound(node.readBarrier()).thenApplyAsync(ignored -> kv.range(request), responders);
    }

    public CompletableFuture<PutResponse> put(PutRequest request) {
        if (!quota.admits(request)) {
            return refuseOverQuota();
        }
        return propose(InternalRequest.newBuilder().setPut(request), PutResponse.class);
    }

    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        return propose(InternalRequest.newBuilder().setDeleteRange(request), DeleteRangeResponse.class);
    }

    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        if (!quota.admits(request)) {
            return refuseOverQuota();
        }
        return propose(InternalRequest.newBuilder().setTxn(request), TxnResponse.class);
    }

    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return propose(InternalRequest.newBuilder().setCompaction(request), CompactionResponse.class);
    }

    /** The backend size limit writes are held to (etcd's --quota-backend-bytes). */
    public long quotaBytes() {
        return quota.quotaBytes();
    }

    /**
     * As etcd's quota check does: raise the cluster-wide NOSPACE alarm through Raft — from then on every member
     * refuses writes until an operator disarms it — and refuse the request once the alarm is in, whether or not
     * raising it worked (another request may already have raised it).
     */
    private <T> CompletableFuture<T> refuseOverQuota() {
        AlarmRequest raise = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setMemberID(node.id()).setAlarm(AlarmType.NOSPACE).build();
        return deadline.bound(node.propose(InternalRequest.newBuilder().setAlarm(raise)))
                .handle((ignored, error) -> null)
                .thenCompose(ignored -> CompletableFuture.failedFuture(KvError.NO_SPACE.exception()));
    }

    /**
     * Proposes {@code request} and answers with what applying it gave, bounded by the request timeout. The answer is
     * sent from the thread that completes the proposal: the node's responder, which takes a whole applied batch at
     * once (a second hand-off per answer, to the responders pool, cost a thread wake-up per put).
     */
    <T> CompletableFuture<T> propose(InternalRequest.Builder request, Class<T> responseType) {
        return deadline.bound(node.propose(request)).thenApply(responseType::cast);
    }
}
