package dev.cairn.kvnode.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A plaintext gRPC channel to one member for one call (or a few), closed before the answer is returned. */
public final class OneShotChannel {
    private OneShotChannel() {
    }

    /** Opens a channel to {@code url} ({@code http://host:port}), runs {@code call} on it, and closes it. */
    public static <T> T call(String url, Function<ManagedChannel, T> call) {
        URI uri = URI.create(url);
        ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
