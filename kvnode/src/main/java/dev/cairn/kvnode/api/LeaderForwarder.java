package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cairn.kvnode.server.KvError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends the lease requests only the leader can answer (keep-alive, time-to-live) to the leader's client endpoint,
 * over gRPC, as etcd's followers forward them over their peer HTTP. A leader that cannot be reached, or none, means
 * an election is under way: the client gets "leader changed" and retries.
 */
public final class LeaderForwarder {
    private final LeaderForwarding forwarding;

    public LeaderForwarder(LeaderForwarding forwarding) {
        this.forwarding = forwarding;
    }

    public CompletableFuture<LeaseKeepAliveResponse> keepAlive(LeaseKeepAliveRequest request) {
        Optional<LeaseGrpc.LeaseStub> stub = stub();
        if (stub.isEmpty()) {
            return CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        }
        CompletableFuture<LeaseKeepAliveResponse> answer = new CompletableFuture<>();
        StreamObserver<LeaseKeepAliveRequest> requests = stub.get().leaseKeepAlive(new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(asClientError(error));
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(KvError.LEADER_CHANGED.exception());
            }
        });
        requests.onNext(request);
        requests.onCompleted();
        return answer;
    }

    public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
        Optional<LeaseGrpc.LeaseStub> stub = stub();
        if (stub.isEmpty()) {
            return CompletableFuture.failedFuture(KvError.LEADER_CHANGED.exception());
        }
        CompletableFuture<LeaseTimeToLiveResponse> answer = new CompletableFuture<>();
        stub.get().leaseTimeToLive(request, new StreamObserver<>() {
            @Override
            public void onNext(LeaseTimeToLiveResponse response) {
                answer.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(asClientError(error));
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(KvError.LEADER_CHANGED.exception());
            }
        });
        return answer;
    }

    private Optional<LeaseGrpc.LeaseStub> stub() {
        return forwarding.toLeader(LeaseGrpc::newStub);
    }

    /** The leader's own etcd errors pass through; failing to reach it means the leadership is moving. */
    private static Throwable asClientError(Throwable error) {
        if (error instanceof StatusRuntimeException status
                && status.getStatus().getCode() != Status.Code.UNAVAILABLE
                && status.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return status;
        }
        if (error instanceof StatusRuntimeException status && status.getStatus().getDescription() != null
                && status.getStatus().getDescription().startsWith("etcdserver: ")) {
            return status;
        }
        return KvError.LEADER_CHANGED.exception();
    }
}
