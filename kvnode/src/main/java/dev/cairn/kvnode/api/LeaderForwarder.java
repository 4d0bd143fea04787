package dev.cairn.kvnode.api;

import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseKeepAliveResponse;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cairn.kvnode.server.KvError;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends the lease requests only the leader can answer (keep-alive, time-to-live) to the leader's client endpoint,
 * over gRPC, as etcd's followers forward them over their peer HTTP. A leader that cannot be reached, or none, means
 * an election is under way: the client gets "leader changed" and retries.
 */
public final class LeaderForwarder implements AutoCloseable {
    private final LeaderEndpoint leader;
    private final long timeoutNanos;
    private final Metadata forwardedBy = new Metadata();
    private final Map<URI, ManagedChannel> channels = new ConcurrentHashMap<>();

    /** @param self this member's name, put on forwarded calls so the leader can tell them apart */
    public LeaderForwarder(LeaderEndpoint leader, Duration timeout, String self) {
        this.leader = leader;
        this.timeoutNanos = timeout.toNanos();
        forwardedBy.put(ForwardedCalls.HEADER, self);
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

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
    }

    private Optional<LeaseGrpc.LeaseStub> stub() {
        return leader.leaderClientUrl().map(url -> LeaseGrpc.newStub(channels.computeIfAbsent(url,
                        LeaderForwarder::channel))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forwardedBy))
                .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
    }

    private static ManagedChannel channel(URI url) {
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
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
