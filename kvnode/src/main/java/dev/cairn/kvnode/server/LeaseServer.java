package dev.cairn.kvnode.server;

import dev.cairn.kvnode.lease.LeaseCheckpoint;
import dev.cairn.kvnode.lease.LeaseException;
import dev.cairn.kvnode.lease.LeaseExpiry;
import dev.cairn.kvnode.lease.LeaseStatus;
import dev.cairn.kvnode.lease.Lessor;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseCheckpointRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseCheckpointResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseLeasesResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The member's Lease service behind the gRPC layer, after etcd's server: grants and revokes go through Raft like any
 * write; renewals and TTL queries are answered from the primary lessor alone, so only on the leader (a follower's
 * gRPC layer forwards them there), and only after a ReadIndex round — it confirms that this member still leads and
 * that every committed grant is applied (etcd's ensureLeadership and waitAppliedIndex).
 *
 * <p>Also what the {@link LeaseExpiry} proposes through.
 */
public final class LeaseServer implements LeaseExpiry.Proposals {
    private final RaftNode node;
    private final Lessor lessor;
    private final LeaseLeadership leadership;
    private final LeaseIds ids;
    private final LongFunction<ResponseHeader> headers;
    private final Supplier<Long> currentRevision;
    private final long timeoutNanos;
    private final Executor responders;

    LeaseServer(RaftNode node, Lessor lessor, LeaseLeadership leadership, LongFunction<ResponseHeader> headers,
            Supplier<Long> currentRevision, Duration requestTimeout, Executor responders) {
        this.node = node;
        this.lessor = lessor;
        this.leadership = leadership;
        this.ids = new LeaseIds(node.id(), System.currentTimeMillis());
        this.headers = headers;
        this.currentRevision = currentRevision;
        this.timeoutNanos = requestTimeout.toNanos();
        this.responders = responders;
    }

    /** Whether renewals and TTL queries are served here rather than forwarded: this member is the leader it knows. */
    public boolean leads() {
        return node.leader() == node.id();
    }

    /** This member's header at its current revision. */
    public ResponseHeader header() {
        return headers.apply(currentRevision.get());
    }

    /**
     * Proposes the grant; a lease without an id gets one here, before proposing, so every member applies the same.
     * An id the client chose is kept, taken or not: applying it decides.
     */
    public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request) {
        LeaseGrantRequest.Builder withId = request.toBuilder();
        if (withId.getID() == Lessor.NO_LEASE) {
            do {
                withId.setID(ids.next());
            } while (lessor.exists(withId.getID()));
        }
        return propose(InternalRequest.newBuilder().setLeaseGrant(withId), LeaseGrantResponse.class);
    }

    public CompletableFuture<LeaseRevokeResponse> revoke(LeaseRevokeRequest request) {
        return propose(InternalRequest.newBuilder().setLeaseRevoke(request), LeaseRevokeResponse.class);
    }

    @Override
    public CompletableFuture<LeaseRevokeResponse> revoke(long leaseId) {
        return revoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build());
    }

    @Override
    public CompletableFuture<LeaseCheckpointResponse> checkpoint(List<LeaseCheckpoint> checkpoints) {
        LeaseCheckpointRequest.Builder request = LeaseCheckpointRequest.newBuilder();
        for (LeaseCheckpoint checkpoint : checkpoints) {
            request.addCheckpointsBuilder().setID(checkpoint.id()).setRemainingTTL(checkpoint.remainingTtl());
        }
        return propose(InternalRequest.newBuilder().setLeaseCheckpoint(request), LeaseCheckpointResponse.class);
    }

    /**
     * Renews a lease on the leader; completes with its TTL. A lease with a checkpointed remaining TTL first has it
     * cleared through Raft, so that no later leader restarts it from that shorter remainder (scenario L-1).
     */
    public CompletableFuture<Long> renew(long leaseId) {
        return asPrimary().thenCompose(ignored -> {
            if (!lessor.needsCheckpointCleared(leaseId)) {
                return CompletableFuture.completedFuture(null);
            }
            return checkpoint(List.of(new LeaseCheckpoint(leaseId, 0)));
        }).thenApplyAsync(ignored -> refusedAsKvError(() -> lessor.renew(leaseId)), responders);
    }

    /** The remaining TTL of a lease on the leader; "leader changed" when it stops leading meanwhile (L-3). */
    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(long leaseId, boolean withKeys) {
        return asPrimary().thenApplyAsync(ignored -> {
            LeaseStatus status = refusedAsKvError(() -> lessor.timeToLive(leaseId));
            LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder().setHeader(header())
                    .setID(leaseId).setTTL(status.remainingSeconds()).setGrantedTTL(status.grantedTtl());
            if (withKeys) {
                response.addAllKeys(status.keys());
            }
            return response.build();
        }, responders);
    }

    /** Every lease this member knows of; served by any member, from its applied state, as etcd does. */
    public LeaseLeasesResponse leases() {
        LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder().setHeader(header());
        for (long id : lessor.leases()) {
            response.addLeasesBuilder().setID(id);
        }
        return response.build();
    }

    /**
     * Completes with whether this member still leads in the term it led in when asked, as a ReadIndex round confirms
     * it: what the expiry loop checks before revoking (scenario L-2).
     */
    public CompletableFuture<Boolean> confirmLeadership() {
        long term = node.term();
        if (!leads()) {
            return CompletableFuture.completedFuture(false);
        }
        return bounded(node.readBarrier()).thenApply(ignored -> leads() && node.term() == term);
    }

    private CompletableFuture<Void> asPrimary() {
        if (!leads()) {
            return CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        }
        return bounded(node.readBarrier().thenCompose(ignored -> leadership.primary()));
    }

    private <T> CompletableFuture<T> propose(InternalRequest.Builder request, Class<T> responseType) {
        return bounded(node.propose(request)).thenApplyAsync(responseType::cast, responders);
    }

    private static <T> T refusedAsKvError(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (LeaseException refused) {
            throw LeaseApplier.asKvError(refused);
        }
    }

    private <T> CompletableFuture<T> bounded(CompletableFuture<T> wait) {
        return wait.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            return CompletableFuture.failedFuture(cause instanceof TimeoutException
                    ? KvError.TIMEOUT.exception() : cause);
        });
    }
}
