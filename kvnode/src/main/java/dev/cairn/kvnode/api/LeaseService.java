package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseLeasesRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseLeasesResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseRevokeResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.server.KvError;
import dev.cairn.kvnode.server.KvException;
import dev.cairn.kvnode.server.LeaseServer;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * etcd's Lease service on gRPC, after etcd's v3rpc lease server. Grant, Revoke and Leases are served by any member.
 * KeepAlive and TimeToLive need the lease expiries only the leader's lessor has: the leader answers them, a follower
 * forwards them to it, and a member that was forwarded a call but no longer leads answers "leader changed".
 *
 * <p>As in etcd, a lease that is gone is not an error here: a keep-alive gets TTL 0, a time-to-live TTL -1.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final LeaseServer server;
    private final LeaderForwarder forwarder;

    public LeaseService(LeaseServer server, LeaderForwarder forwarder) {
        this.server = server;
        this.forwarder = forwarder;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> responses) {
        answer(responses, server.grant(request));
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> responses) {
        answer(responses, server.revoke(request));
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> responses) {
        answer(responses, CompletableFuture.completedFuture(server.leases()));
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> responses) {
        CompletableFuture<LeaseTimeToLiveResponse> answered = switch (route(ForwardedCalls.current())) {
            case HERE -> server.timeToLive(request.getID(), request.getKeys());
            case LEADER -> forwarder.timeToLive(request).thenApply(response -> response.toBuilder()
                    .setHeader(server.header()).build());
            case NOWHERE -> CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        };
        answer(responses, answered.exceptionallyCompose(error -> isLeaseNotFound(error)
                ? CompletableFuture.completedFuture(LeaseTimeToLiveResponse.newBuilder().setHeader(server.header())
                        .setID(request.getID()).setTTL(-1).build())
                : CompletableFuture.failedFuture(error)));
    }

    /**
     * Answers each request of the stream in turn, in order. An error other than a missing lease ends the stream, as
     * in etcd; the client opens a new one.
     */
    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        boolean forwarded = ForwardedCalls.current();
        return new StreamObserver<>() {
            private final AtomicBoolean failed = new AtomicBoolean();
            private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

            @Override
            public synchronized void onNext(LeaseKeepAliveRequest request) {
                // A failure fails every request chained after it; the stream ends once, with the first error.
                previous = previous.thenCompose(ignored -> keepAlive(route(forwarded), request))
                        .thenAccept(responses::onNext);
                previous.whenComplete((ignored, error) -> {
                    if (error != null && failed.compareAndSet(false, true)) {
                        responses.onError(GrpcErrors.toStatus(unwrap(error)));
                    }
                });
            }

            @Override
            public void onError(Throwable error) {
                // The client went away; what is still being renewed is answered into a closed call.
            }

            @Override
            public synchronized void onCompleted() {
                previous.thenRun(responses::onCompleted);
            }
        };
    }

    private CompletableFuture<LeaseKeepAliveResponse> keepAlive(Route route, LeaseKeepAliveRequest request) {
        // The header is taken before renewing, as etcd does: a client never sees a renewal at a revision after the
        // one at which the lease was revoked.
        ResponseHeader header = server.header();
        CompletableFuture<Long> ttl = switch (route) {
            case HERE -> server.renew(request.getID());
            case LEADER -> forwarder.keepAlive(request).thenApply(LeaseKeepAliveResponse::getTTL);
            case NOWHERE -> CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        };
        return ttl.exceptionallyCompose(error -> isLeaseNotFound(error) ? CompletableFuture.completedFuture(0L)
                : CompletableFuture.failedFuture(error))
                .thenApply(renewed -> LeaseKeepAliveResponse.newBuilder().setHeader(header).setID(request.getID())
                        .setTTL(renewed).build());
    }

    private enum Route {
        /** This member leads: its lessor answers. */
        HERE,
        /** Another member leads: forward. */
        LEADER,
        /** Forwarded here by a member that took this one for the leader, which it no longer is. */
        NOWHERE
    }

    /** Decided per request: leadership may move while a keep-alive stream stays open. */
    private Route route(boolean forwarded) {
        if (server.leads()) {
            return Route.HERE;
        }
        return forwarded ? Route.NOWHERE : Route.LEADER;
    }

    private static boolean isLeaseNotFound(Throwable error) {
        return unwrap(error) instanceof KvException refused && refused.error() == KvError.LEASE_NOT_FOUND;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static <T> void answer(StreamObserver<T> responses, CompletableFuture<T> response) {
        response.whenComplete((result, error) -> {
            if (error != null) {
                responses.onError(GrpcErrors.toStatus(unwrap(error)));
            } else {
                responses.onNext(result);
                responses.onCompleted();
            }
        });
    }
}
