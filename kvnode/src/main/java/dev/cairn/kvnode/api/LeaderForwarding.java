package dev.cairn.kvnode.api;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends a client request that only the leader can answer (a learner's promotion, a lease's keep-alive or remaining
 * time) on to the leader's client URL, as etcd's followers do. Forwarded calls carry this member's name in a header;
 * a member that receives a forwarded call it cannot answer refuses it rather than forwarding again (see
 * {@link ForwardedCalls}), so a leader change cannot make requests circle.
 */
public final class LeaderForwarding implements AutoCloseable {
    private final LeaderEndpoint leader;
    private final Duration timeout;
    private final Metadata forwardedBy = new Metadata();
    private final Map<URI, ManagedChannel> channels = new ConcurrentHashMap<>();

    /** @param self this member's name, put on forwarded calls so the leader can tell them apart */
    public LeaderForwarding(LeaderEndpoint leader, Duration timeout, String self) {
        this.leader = leader;
        this.timeout = timeout;
        forwardedBy.put(ForwardedCalls.HEADER, self);
    }

    /** Marks calls that arrive forwarded; install on the client gRPC server. */
    public static ServerInterceptor forwardedCalls() {
        return new ForwardedCalls();
    }

    /**
     * A stub on a channel to the leader, marked as forwarded and with the request timeout as its deadline; empty
     * while no leader (or no client URL of it) is known.
     */
    <S extends AbstractStub<S>> Optional<S> toLeader(Function<ManagedChannel, S> stub) {
        return leader.leaderClientUrl().map(url -> stub.apply(channels.computeIfAbsent(url, LeaderForwarding::open))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forwardedBy))
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> future) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Futures.addCallback(future, new FutureCallback<>() {
            @Override
            public void onSuccess(T value) {
                result.complete(value);
            }

            @Override
            public void onFailure(Throwable error) {
                result.completeExceptionally(error);
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    private static ManagedChannel open(URI url) {
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
