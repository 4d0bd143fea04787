package dev.cairn.kvnode.api;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.cairn.kvnode.server.KvError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
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
import java.util.function.Supplier;

/**
 * Sends a client request that only the leader can answer (a learner's promotion, a lease's remaining time) on to the
 * leader's client URL, as etcd's followers do. A forwarded request is marked, and a member that receives a marked
 * request it cannot answer refuses it rather than forwarding again, so a leader change cannot make requests circle.
 */
public final class LeaderForwarding implements AutoCloseable {
    private static final Metadata.Key<String> FORWARDED =
            Metadata.Key.of("cairn-forwarded", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> FORWARDED_CALL = Context.key("cairn-forwarded");

    private final Supplier<Optional<String>> leaderClientUrl;
    private final Duration timeout;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /**
     * @param leaderClientUrl the first client URL the current leader published; empty when there is no leader or it
     *     has published none yet
     */
    public LeaderForwarding(Supplier<Optional<String>> leaderClientUrl, Duration timeout) {
        this.leaderClientUrl = leaderClientUrl;
        this.timeout = timeout;
    }

    /** Marks calls that arrive forwarded, for {@link #isForwarded}; install on the client gRPC server. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                Context context = Context.current().withValue(FORWARDED_CALL, headers.containsKey(FORWARDED));
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
    }

    /** Whether the call being served was forwarded by another member. */
    static boolean isForwarded() {
        return Boolean.TRUE.equals(FORWARDED_CALL.get());
    }

    /** A stub on a channel to the leader, with the request timeout as its deadline; "no leader" when unknown. */
    <S extends AbstractStub<S>> CompletableFuture<S> call(Function<ManagedChannel, S> stub) {
        Optional<String> url = leaderClientUrl.get();
        if (url.isEmpty()) {
            return CompletableFuture.failedFuture(KvError.NO_LEADER.exception());
        }
        ManagedChannel channel = channels.computeIfAbsent(url.get(), LeaderForwarding::open);
        return CompletableFuture.completedFuture(
                stub.apply(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    static <S extends AbstractStub<S>> S markForwarded(S stub) {
        Metadata headers = new Metadata();
        headers.put(FORWARDED, "1");
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
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

    private static ManagedChannel open(String url) {
        URI uri = URI.create(url);
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
